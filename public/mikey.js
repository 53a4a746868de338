// MIKEY's always-visible desk header: PAPER or LIVE and the venue, who is signed
// in, equity and free collateral, the replay label, and a plain warning when no
// prices flow. Data from GET /mikey/context (interfaces/_web_context.py); text is
// set with textContent only, never as HTML.
(function () {
  "use strict";
  var root = (document.querySelector('meta[property="og:root_path"]') || {}).content || "";
  var bar = document.createElement("div");
  bar.id = "mikey-desk";
  bar.setAttribute("role", "status");
  bar.setAttribute("aria-label", "trading desk");
  bar.hidden = true;
  document.body.prepend(bar);

  function part(cls, text, testid) {
    var span = document.createElement("span");
    span.className = cls;
    span.textContent = text;
    if (testid) span.setAttribute("data-testid", testid);
    return span;
  }

  function render(c) {
    var items = [part("mikey-mode mikey-mode-" + c.mode.toLowerCase(), c.mode, "desk-mode"),
                 part("mikey-venue", c.venue, "desk-venue"),
                 part("mikey-user", c.user, "desk-user")];
    if (c.account) {
      items.push(part("mikey-money", "Equity " + c.account.equity, "desk-equity"));
      items.push(part("mikey-money", "Free " + c.account.free_collateral, "desk-free"));
    }
    if (c.llm) items.push(part("mikey-model", "Answers by " + c.model + ": check the ticket before you approve", "desk-model"));
    if (c.replay) items.push(part("mikey-replay", c.replay, "desk-replay"));
    if (c.prices) items.push(part("mikey-warning", c.prices, "desk-prices"));
    bar.replaceChildren.apply(bar, items);
    bar.hidden = false;
    document.documentElement.classList.toggle("mikey-llm", !!c.llm);
    resize();
  }

  function resize() {
    document.documentElement.style.setProperty("--mikey-desk-h", (bar.hidden ? 0 : bar.offsetHeight) + "px");
  }

  function refresh() {
    fetch(root + "/mikey/context", { credentials: "same-origin", cache: "no-store" })
      .then(function (r) {
        if (!r.ok) { bar.hidden = true; resize(); return null; }
        return r.json();
      })
      .then(function (c) { if (c) render(c); })
      .catch(function () { /* offline for a moment: keep what is shown */ });
  }

  if (window.ResizeObserver) new ResizeObserver(resize).observe(bar);
  refresh();
  setInterval(refresh, 5000);
  // Signing in happens without a page load: look again as soon as the chat appears.
  new MutationObserver(function () {
    if (bar.hidden && document.getElementById("chat-input")) refresh();
  }).observe(document.body, { childList: true, subtree: true });
})();
