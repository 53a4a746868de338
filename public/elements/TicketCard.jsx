// MIKEY's order ticket card (a Chainlit custom element). Every number arrives
// formatted by the server (quantdesk/display.py via interfaces/_ticket_card.py);
// this file only lays the card out, counts down to expiry and sends the
// trader's button press. The server stamps the card (FILLED, REJECTED, ...) by
// replacing its props, which removes the buttons.
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";

// Mid-tone colours: readable on Chainlit's light and dark themes alike.
const TONES = {
  buy: { text: "#16a34a", bg: "rgba(34,197,94,0.16)", border: "#22c55e" },
  sell: { text: "#dc2626", bg: "rgba(239,68,68,0.16)", border: "#ef4444" },
  neutral: { text: "#64748b", bg: "rgba(100,116,139,0.18)", border: "#64748b" },
};
const STAMP_COLOURS = {
  FILLED: "#16a34a", PLACED: "#16a34a", DONE: "#16a34a", SENDING: "#64748b",
  REJECTED: "#dc2626", FAILED: "#dc2626", EXPIRED: "#d97706", CANCELLED: "#64748b",
};

function useSecondsLeft(total, key) {
  const [left, setLeft] = useState(total);
  useEffect(() => {
    const started = Date.now();
    setLeft(total);
    if (!total) return undefined;
    const timer = setInterval(() => {
      const remaining = Math.max(0, total - Math.floor((Date.now() - started) / 1000));
      setLeft(remaining);
      if (remaining === 0) clearInterval(timer);
    }, 250);
    return () => clearInterval(timer);
  }, [total, key]);
  return left;
}

async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  document.execCommand("copy");
  area.remove();
}

export default function TicketCard() {
  const tone = TONES[props.tone] || TONES.neutral;
  const left = useSecondsLeft(props.expires_in_s, props.hash + props.status);
  const [busy, setBusy] = useState(null);
  const [copied, setCopied] = useState(false);
  const live = props.status === "pending" && left > 0;
  const stamp = props.stamp || (props.status === "pending" && left === 0 ? "EXPIRED" : null);

  useEffect(() => setBusy(null), [props.status, props.hash]);

  const press = async (name) => {
    setBusy(name);
    try {
      await callAction({ name, payload: { ticket_hash: props.hash } });
    } catch (e) {
      setBusy(null);
    }
  };
  const copy = async () => {
    await copyText(props.hash);
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };

  return (
    <div data-testid="ticket-card" data-status={stamp || "PENDING"} data-hash={props.hash}
         style={{ border: `1px solid ${tone.border}`, borderLeftWidth: 4, borderRadius: 10, padding: "12px 14px",
                  maxWidth: 460, width: "100%", boxSizing: "border-box", position: "relative",
                  fontVariantNumeric: "tabular-nums" }}>
      <div style={{ display: "flex", alignItems: "center", gap: 8, flexWrap: "wrap" }}>
        <span data-testid="ticket-side"
              style={{ color: tone.text, background: tone.bg, fontWeight: 700, fontSize: 12, letterSpacing: 0.5,
                       padding: "2px 8px", borderRadius: 6 }}>{props.side}</span>
        <span style={{ fontWeight: 600, fontSize: 15, flex: "1 1 12rem" }}>{props.title}</span>
        {stamp ? (
          <span data-testid="ticket-stamp"
                style={{ border: `2px solid ${STAMP_COLOURS[stamp] || "#475569"}`, color: STAMP_COLOURS[stamp] || "#475569",
                         fontWeight: 800, fontSize: 13, letterSpacing: 1, padding: "1px 8px", borderRadius: 6,
                         transform: "rotate(-4deg)" }}>{stamp}</span>
        ) : (
          <span data-testid="ticket-countdown" style={{ fontSize: 13, fontWeight: 600,
                color: left <= 10 ? "#d97706" : "inherit" }}>
            expires in {left}s
          </span>
        )}
      </div>
      {props.effect && (
        <div data-testid="ticket-effect" style={{ marginTop: 6, fontSize: 13, fontWeight: 600, color: tone.text }}>
          {props.effect}
        </div>
      )}
      <dl style={{ display: "grid", gridTemplateColumns: "minmax(6.5rem, auto) 1fr", columnGap: 12, rowGap: 4,
                   margin: "10px 0 0", fontSize: 13 }}>
        {props.rows.map((row) => [
          <dt key={row.label + "-l"} style={{ opacity: 0.7 }}>{row.label}</dt>,
          <dd key={row.label + "-v"} style={{ margin: 0, textAlign: "right", overflowWrap: "anywhere" }}>{row.value}</dd>,
        ])}
      </dl>
      {props.warnings.map((warning) => (
        <div key={warning} role="alert"
             style={{ marginTop: 8, fontSize: 13, color: "#d97706", background: "rgba(245,158,11,0.14)",
                      borderRadius: 6, padding: "4px 8px" }}>{warning}</div>
      ))}
      {props.stamp_note && (
        <div data-testid="ticket-note" style={{ marginTop: 8, fontSize: 13, opacity: 0.85 }}>{props.stamp_note}</div>
      )}
      <div style={{ display: "flex", alignItems: "center", gap: 8, marginTop: 12, flexWrap: "wrap" }}>
        {live && (
          <>
            <Button data-testid="ticket-approve" disabled={!!busy} onClick={() => press("approve")}
                    style={{ background: "#16a34a", color: "white" }}>
              {busy === "approve" ? "Approving…" : "Approve"}
            </Button>
            <Button data-testid="ticket-reject" variant="outline" disabled={!!busy} onClick={() => press("reject")}>
              {busy === "reject" ? "Rejecting…" : "Reject"}
            </Button>
          </>
        )}
        {props.refreshable && (props.status === "pending" || props.status === "expired") && (
          <Button data-testid="ticket-refresh" variant="ghost" disabled={!!busy} onClick={() => press("refresh")}>
            {busy === "refresh" ? "Refreshing…" : "Refresh quote"}
          </Button>
        )}
        <button type="button" onClick={copy} title="Copy the full ticket hash" data-testid="ticket-hash"
                style={{ marginLeft: "auto", fontFamily: "monospace", fontSize: 12, opacity: 0.75, background: "none",
                         border: "none", cursor: "pointer", padding: 0 }}>
          {copied ? "copied" : `#${props.short_hash} · copy`}
        </button>
      </div>
    </div>
  );
}
