"""The web page in a real browser, as a trader uses it: `quantdesk run` started
once for the module (embedded Postgres, replayed prices, the paper venue), one
headless Chromium, explicit waits on what the page shows (never fixed sleeps).
The tests run in order and build on each other, like one trader's session."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.interfaces.browser import PHONE, last_card, launch, new_page, say, screenshot, sign_in
from tests.interfaces.test_web_identity import add_user
from tests.interfaces.web_page import FIRST_RUN, QuantdeskRun

pytestmark = pytest.mark.slow


@dataclass
class Desk:
    run: QuantdeskRun
    browser: Browser
    alice: str
    alice_password: str
    bob_password: str
    page: Page  # alice's tab, signed in
    thread: str = ""  # alice's conversation (its Chainlit thread id)
    pending: str = ""  # the hash of a ticket left waiting in it
    chart: str = ""  # the id of the chart element stored in it


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    tmp: Path = tmp_path_factory.mktemp("browser")
    run = QuantdeskRun(tmp / "data", tmp)
    try:
        run.wait_until_serving()
        first = FIRST_RUN.search(run.output)
        assert first, run.output
        bob_password = "bob-" + uuid.uuid4().hex
        add_user(tmp / "data", "bob", bob_password, tmp)
        with sync_playwright() as playwright:
            browser = launch(playwright)
            context, page = new_page(browser, run.base)
            try:
                yield Desk(run, browser, first.group(1), first.group(2), bob_password, page)
            finally:
                context.close()
                browser.close()
    finally:
        run.stop()


def test_a_page_without_login_gets_nothing(desk: Desk) -> None:
    context, page = new_page(desk.browser, desk.run.base)
    try:
        page.goto("/")
        expect(page.get_by_role("button", name="Sign In")).to_be_visible()
        expect(page.locator("#chat-input")).to_have_count(0)
        for path in ("/user", "/project/threads"):
            response = page.request.post(path, data={"pagination": {"first": 20}, "filter": {}}) \
                if path.endswith("threads") else page.request.get(path)
            assert response.status == 401, (path, response.status)
    finally:
        context.close()


def test_a_trader_signs_in_and_asks_a_price(desk: Desk) -> None:
    page = desk.page
    sign_in(page, desk.alice, desk.alice_password)
    expect(page.get_by_text("MIKEY here")).to_be_visible()
    # The desk header: paper or live, the venue, who is signed in, money, the replay label.
    expect(page.get_by_test_id("desk-mode")).to_have_text("PAPER")
    expect(page.get_by_test_id("desk-venue")).to_have_text("paper venue")
    expect(page.get_by_test_id("desk-user")).to_have_text(desk.alice)
    expect(page.get_by_test_id("desk-equity")).to_have_text("Equity $10,000.00")
    expect(page.get_by_test_id("desk-free")).to_have_text("Free $10,000.00")
    expect(page.get_by_test_id("desk-replay")).to_contain_text("Replayed prices")
    expect(page.get_by_test_id("desk-prices")).to_have_count(0)  # prices flow
    # No LLM is configured: no "LLMs can make mistakes" line; nothing to upload.
    expect(page.get_by_text("LLMs can make mistakes")).to_have_count(0)
    expect(page.locator("#upload-button, #upload-button-input")).to_have_count(0)
    say(page, "what's SOL doing?")
    expect(page.get_by_text(re.compile(r"SOL-PERP: \$[\d,]+\.\d+"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"Last hour .*%, range \$[\d,]+\.\d{3} to \$"))).to_be_visible()


def test_an_order_shows_a_live_card_and_approve_fills_it(desk: Desk) -> None:
    page = desk.page
    say(page, "long 1 SOL 2x")
    card = last_card(page)
    expect(card).to_have_attribute("data-status", "PENDING")
    expect(card.get_by_test_id("ticket-side")).to_have_text("LONG")
    countdown = card.get_by_test_id("ticket-countdown")
    expect(countdown).to_have_text(re.compile(r"expires in \d+s"))
    first = int(re.search(r"\d+", countdown.inner_text()).group())
    expect(countdown).not_to_have_text(f"expires in {first}s", timeout=5_000)  # it counts down
    expect(card).to_contain_text("$10,000.00 free")
    screenshot(page, "ticket-card", card)
    card.get_by_test_id("ticket-approve").click()  # at once: the ticket is stored before it is shown
    expect(card.get_by_test_id("ticket-stamp")).to_have_text("FILLED")
    expect(card.get_by_test_id("ticket-approve")).to_have_count(0)
    expect(card.get_by_test_id("ticket-reject")).to_have_count(0)
    expect(page.get_by_text(re.compile(r"Filled: bought 1 SOL-PERP at \$[\d,]+\.\d{3}"))).to_be_visible()
    expect(page.get_by_test_id("desk-free")).not_to_have_text("Free $10,000.00", timeout=15_000)  # margin taken
    say(page, "my positions")
    table = page.locator("table").filter(has_text="Liq. (away)").last
    expect(table).to_contain_text("ROE")
    row = table.locator("tbody tr").first
    expect(row).to_contain_text("SOL-PERP")
    expect(row).to_contain_text("LONG")
    expect(row).to_contain_text(re.compile(r"\$[\d,]+\.\d{3} \(\d+\.\d%\)"))  # liquidation and its distance
    screenshot(page, "positions-table", table)


def test_another_order_can_be_rejected(desk: Desk) -> None:
    page = desk.page
    say(page, "short 0.5 SOL 3x")
    card = last_card(page)
    expect(card).to_have_attribute("data-status", "PENDING")
    expect(card.get_by_test_id("ticket-effect")).to_have_text("This reduces your 1 SOL long to 0.5 SOL")
    card.get_by_test_id("ticket-reject").click()
    expect(card.get_by_test_id("ticket-stamp")).to_have_text("REJECTED")
    expect(card.get_by_test_id("ticket-approve")).to_have_count(0)
    expect(page.get_by_text("was rejected: rejected by its owner. Nothing was sent.")).to_be_visible()


def test_a_chart_request_draws_candles_and_the_traders_levels(desk: Desk) -> None:
    """After the trades above, so the position's entry and liquidation and the order lines are drawn."""
    page = desk.page
    say(page, "show me a SOL chart")
    chart = page.locator(".js-plotly-plot").last
    expect(chart).to_be_visible()
    expect(chart.locator(".cartesianlayer .trace")).to_have_count(1)  # one interval shown at a time
    expect(chart.get_by_text("5m", exact=True)).to_be_visible()  # the interval buttons
    chart.get_by_text("5m", exact=True).click()
    expect(chart.get_by_text("SOL-PERP · stored candles")).to_be_visible()
    chart.get_by_text("1m", exact=True).click()
    expect(chart.get_by_text(re.compile(r"long entry \$[\d,]+\.\d{3}"))).to_be_visible()  # her position's entry
    expect(chart.get_by_text(re.compile(r"liquidation \$[\d,]+\.\d{3} \(off the chart\)"))).to_be_visible()
    screenshot(page, "chart", page.locator('[data-step-type="assistant_message"]').filter(has=chart).last)


def test_alerts_and_keeper_fills_appear_without_the_trader_typing(desk: Desk) -> None:
    page = desk.page
    say(page, "alert me when sol goes above 1")
    alert = page.locator('[data-step-type="assistant_message"]').filter(has_text=re.compile(r"^🔔 Alert #\d+"))
    expect(alert).to_have_count(1, timeout=30_000)  # fired by the alert service on the next price
    expect(alert).to_contain_text("SOL-PERP is at")
    # A stop-loss above the market triggers at the keepers' next pass: its fill is pushed too.
    say(page, "sol price")
    answer = page.get_by_text(re.compile(r"SOL-PERP: \$[\d,]+\.\d+")).last.inner_text()
    price = Decimal(re.search(r"\$([\d,]+\.\d+)", answer).group(1).replace(",", ""))
    say(page, f"stop loss 0.5 sol at {(price * Decimal('1.02')).quantize(Decimal('0.01'))}")
    card = last_card(page)
    expect(card.get_by_test_id("ticket-side")).to_have_text("SHORT")
    card.get_by_test_id("ticket-approve").click()
    expect(card.get_by_test_id("ticket-stamp")).to_have_text("PLACED")
    pushed = page.get_by_text(re.compile(r"Your stop-loss #\d+ triggered and filled: sold 0\.5 SOL-PERP at \$"))
    expect(pushed).to_be_visible(timeout=30_000)


def test_the_card_is_readable_on_a_phone(desk: Desk) -> None:
    page = desk.page
    page.set_viewport_size(PHONE)
    try:
        card = last_card(page)
        card.scroll_into_view_if_needed()
        box = card.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"
        screenshot(page, "phone")
    finally:
        page.set_viewport_size({"width": 1180, "height": 860})



def _thread_id(page: Page) -> str:
    found = re.search(r"/thread/([0-9a-f-]{36})", page.url)
    assert found, page.url
    return found.group(1)


def test_a_reload_and_another_browser_find_the_thread_and_its_pending_ticket(desk: Desk) -> None:
    page = desk.page
    say(page, "long 0.5 SOL 2x")
    card = last_card(page)
    expect(card).to_have_attribute("data-status", "PENDING")
    ticket_hash = card.get_attribute("data-hash")
    desk.thread = _thread_id(page)
    page.reload()
    expect(page.get_by_text("long 1 SOL 2x", exact=True)).to_be_visible()  # the conversation is back
    resumed = page.locator(f'[data-testid="ticket-card"][data-hash="{ticket_hash}"]')
    expect(resumed).to_have_attribute("data-status", "PENDING")  # live: rebuilt from the ticket store
    expect(resumed.get_by_test_id("ticket-approve")).to_be_visible()
    expect(resumed.get_by_test_id("ticket-countdown")).to_have_text(re.compile(r"expires in \d+s"))
    expect(page.locator('[data-testid="ticket-card"][data-status="FILLED"]')).to_have_count(1)  # still stamped
    expect(page.locator(".js-plotly-plot .cartesianlayer .trace")).to_have_count(1)  # the chart, from storage
    stored = page.request.get(f"/project/thread/{desk.thread}").json()
    desk.chart = next(e["id"] for e in stored["elements"] if e["type"] == "plotly")
    assert page.request.get(f"/mikey/element/{desk.thread}/{desk.chart}").status == 200

    context, other = new_page(desk.browser, desk.run.base)
    try:
        sign_in(other, desk.alice, desk.alice_password)
        other.locator(f"#thread-{desk.thread}").click()  # the conversation list
        card = other.locator(f'[data-testid="ticket-card"][data-hash="{ticket_hash}"]')
        expect(card).to_have_attribute("data-status", "PENDING")
        card.get_by_test_id("ticket-refresh").click()  # the same ticket again, on today's prices
        expect(card.get_by_test_id("ticket-stamp")).to_have_text("CANCELLED")
        fresh = last_card(other)
        expect(fresh).to_have_attribute("data-status", "PENDING")
        assert fresh.get_attribute("data-hash") != ticket_hash
        desk.pending = fresh.get_attribute("data-hash") or ""
    finally:
        context.close()


def test_a_second_user_sees_none_of_the_first_users_threads_positions_or_tickets(desk: Desk) -> None:
    context, page = new_page(desk.browser, desk.run.base)
    try:
        sign_in(page, "bob", desk.bob_password)
        expect(page.get_by_test_id("desk-user")).to_have_text("bob")
        expect(page.locator("#thread-history")).to_contain_text("No threads found")  # none of hers in his list
        expect(page.locator(f"#thread-{desk.thread}")).to_have_count(0)
        assert page.request.get(f"/project/thread/{desk.thread}").status in (401, 404)
        assert page.request.get(f"/mikey/element/{desk.thread}/{desk.chart}").status == 404  # not her chart either
        page.goto(f"/thread/{desk.thread}")
        page.locator("#chat-input").wait_for()
        expect(page.get_by_text("long 1 SOL 2x", exact=True)).to_have_count(0)
        expect(page.get_by_test_id("ticket-card")).to_have_count(0)
        page.goto("/")
        expect(page.get_by_text("MIKEY here")).to_be_visible()
        say(page, "my positions")
        expect(page.get_by_text("No open positions.")).to_be_visible()
        expect(page.get_by_test_id("ticket-card")).to_have_count(0)
    finally:
        context.close()
