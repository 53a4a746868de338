"""A real browser on the web page: Debian's Chromium driven by Playwright (its
own driver; no browser download), headless, against `quantdesk run`."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect

CHROMIUM = "/usr/bin/chromium"
# No sandbox (tests run as root in a container), no GPU, and none of Chromium's own network chatter.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
DOCS = Path(__file__).resolve().parents[2] / "docs"
# Explicit waits, never sleeps: long enough for a shared, busy CI machine (a wait ends as soon as it holds).
expect.set_options(timeout=20_000)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1180, "height": 860}


def launch(playwright: Playwright) -> Browser:
    assert Path(CHROMIUM).exists(), "the browser test needs Debian's chromium: `make test` installs it (as root)"
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)


def new_page(browser: Browser, base: str, viewport: dict[str, int] = DESKTOP) -> tuple[BrowserContext, Page]:
    context = browser.new_context(base_url=base, viewport=viewport)  # type: ignore[arg-type]
    context.set_default_timeout(30_000)
    return context, context.new_page()


def sign_in(page: Page, name: str, password: str) -> None:
    page.goto("/")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.locator("#chat-input").wait_for()


def say(page: Page, text: str) -> None:
    """Type a message into the composer and send it, as a trader does: once the page is idle
    (while MIKEY is still answering, Chainlit shows a stop button instead of sending)."""
    expect(page.locator("#stop-button")).to_have_count(0)
    sent = page.locator('[data-step-type="user_message"]').get_by_text(text, exact=True)
    before = sent.count()
    page.locator("#chat-input").fill(text)
    expect(page.locator("#chat-submit")).to_be_enabled()
    page.locator("#chat-submit").click()
    expect(sent).to_have_count(before + 1)


def last_card(page: Page):  # noqa: ANN201
    return page.get_by_test_id("ticket-card").last


def screenshot(page: Page, name: str, locator=None) -> None:  # noqa: ANN001
    """Saved under docs/ only when MIKEY_SCREENSHOTS=1 (so test runs never rewrite tracked files; the
    tests drop QUANTDESK_* variables, hence its own prefix)."""
    if os.environ.get("MIKEY_SCREENSHOTS") != "1":
        return
    DOCS.mkdir(exist_ok=True)
    (locator or page).screenshot(path=str(DOCS / f"{name}.png"), animations="disabled")
