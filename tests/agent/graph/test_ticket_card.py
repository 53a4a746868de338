"""The web page's ticket card, built from the ticket store: formatted numbers
(dollars, the market's tick, no raw engine decimals), what the order does to the
position, warnings, and a stamp without buttons once the ticket is decided."""

from __future__ import annotations

import re
import uuid
from typing import Any

from interfaces import ticket_card
from tests.agent.graph.conftest import TradeWorld, collect

RAW_DECIMALS = re.compile(r"\d\.\d{4,}")  # an engine value printed as is, e.g. 150.045000


async def _card(trade: TradeWorld, text: str, thread: str | None = None) -> tuple[str, dict[str, Any]]:
    thread = thread or f"t-{uuid.uuid4().hex[:8]}"
    events = await collect(trade.session.send(thread, "alice", text))
    ticket = next(e.data["ticket"] for e in events if e.type == "ticket")
    return thread, ticket_card(trade.tickets.get(ticket["ticket_hash"]), trade.paper.clock())


def _rows(card: dict[str, Any]) -> dict[str, str]:
    return {row["label"]: row["value"] for row in card["rows"]}


def _no_raw_numbers(card: dict[str, Any]) -> None:
    shown = " ".join([card["title"], card["effect"] or "", card["stamp_note"] or "", *card["warnings"],
                      *(f"{r['label']} {r['value']}" for r in card["rows"])])
    assert not RAW_DECIMALS.search(shown), shown


async def test_a_market_order_card_shows_every_number_formatted(trade: TradeWorld) -> None:
    _, card = await _card(trade, "long 2 SOL")
    rows = _rows(card)
    assert (card["side"], card["tone"], card["status"], card["stamp"]) == ("LONG", "buy", "pending", None)
    assert card["title"] == "Long 2 SOL-PERP at market"
    assert rows["Size"] == "2 SOL · $300.09"
    assert rows["Leverage"] == "3x (default)"
    assert rows["Expected fill"] == "$150.045 (mark $150.000)"
    assert rows["Price bound"] == "$150.750 worst fill"
    assert rows["Fees"] == "$0.15 · 5.0 bps"
    assert rows["Margin"] == "$100.03 of $10,000.00 free"
    assert re.fullmatch(r"\$\d{2,3}\.\d{3} · \d+\.\d% away", rows["Liquidation"]), rows["Liquidation"]
    assert 55 <= card["expires_in_s"] <= 60 and card["refreshable"]
    assert card["short_hash"] == f"{card['hash'][:8]}…{card['hash'][-4:]}"
    _no_raw_numbers(card)


async def test_a_far_limit_order_card_warns_and_shows_its_fill_at_the_limit(trade: TradeWorld) -> None:
    _, card = await _card(trade, "long 1 sol 2x limit 120")
    rows = _rows(card)
    assert card["title"] == "Long 1 SOL-PERP limit $120.000"
    assert rows["Size"] == "1 SOL · $120.00"
    assert rows["Limit price"] == "$120.000 · 20.0% below mark $150.000"
    assert rows["If filled: fill"] == "$120.000"
    assert rows["If filled: fees"] == "$0.02 · 2.0 bps"  # maker
    assert rows["If filled: margin"] == "$60.00 of $10,000.00 free"
    assert re.fullmatch(r"\$\d+\.\d{3} · \d+\.\d% away", rows["If filled: liquidation"]), rows
    assert any(w.startswith("Far from the mark (20.0%)") for w in card["warnings"])
    _no_raw_numbers(card)


async def test_closing_says_what_it_closes_and_its_realized_pnl(trade: TradeWorld) -> None:
    thread, opened = await _card(trade, "long 2 SOL 5x")
    await collect(trade.session.approve(thread, "alice", opened["hash"]))
    _, card = await _card(trade, "close my SOL position")
    rows = _rows(card)
    assert (card["side"], card["tone"]) == ("CLOSE", "sell")
    assert card["title"] == "Close all of your SOL-PERP long at market"
    assert card["effect"] == "This closes your 2 SOL long"
    assert re.fullmatch(r"[+-]?\$\d+\.\d\d \(before fees\)", rows["Realized PnL"]), rows["Realized PnL"]
    assert "Liquidation" not in rows and "Margin" not in rows
    _, part = await _card(trade, "short 0.5 SOL 5x")
    assert part["effect"] == "This reduces your 2 SOL long to 1.5 SOL"


async def test_a_decided_ticket_is_stamped_and_has_no_buttons(trade: TradeWorld) -> None:
    thread, card = await _card(trade, "long 1 SOL 2x")
    await collect(trade.session.approve(thread, "alice", card["hash"]))
    filled = ticket_card(trade.tickets.get(card["hash"]), trade.paper.clock())
    assert (filled["status"], filled["stamp"], filled["expires_in_s"]) == ("filled", "FILLED", 0)
    assert filled["stamp_note"] == "Bought 1 SOL at $150.045 · fee $0.08"
    assert not filled["refreshable"] and not filled["warnings"]

    thread, card = await _card(trade, "long 1 SOL 2x")
    await collect(trade.session.reject(thread, "alice", card["hash"]))
    rejected = ticket_card(trade.tickets.get(card["hash"]), trade.paper.clock())
    assert (rejected["stamp"], rejected["stamp_note"]) == ("REJECTED", "Rejected by its owner. Nothing was sent.")

    thread, card = await _card(trade, "long 1 SOL 2x")
    await collect(trade.session.send(thread, "alice", "my orders"))
    assert ticket_card(trade.tickets.get(card["hash"]), trade.paper.clock())["stamp"] == "CANCELLED"

    _, card = await _card(trade, "long 1 SOL 2x")
    trade.paper.clock.advance(61)
    expired = ticket_card(trade.tickets.get(card["hash"]), trade.paper.clock())
    assert (expired["status"], expired["stamp"], expired["refreshable"]) == ("expired", "EXPIRED", True)


async def test_the_terminal_ticket_panel_shows_the_cards_words_and_numbers(trade: TradeWorld) -> None:
    from rich.console import Console

    from interfaces.terminal import ticket_panel

    events = await collect(trade.session.send(f"t-{uuid.uuid4().hex[:8]}", "alice", "long 2 SOL"))
    ticket = next(e.data["ticket"] for e in events if e.type == "ticket")
    card = ticket_card(trade.tickets.get(ticket["ticket_hash"]), trade.paper.clock())
    console = Console(width=120, record=True)
    console.print(ticket_panel(ticket, trade.paper.clock()))
    screen = re.sub(r" {2,}", "  ", console.export_text())  # the label column's padding as two spaces
    for shown in [card["title"], *(f"{r['label']}  {r['value']}" for r in card["rows"])]:
        assert shown in screen, (shown, screen)
    assert "Leverage  3x (default)" in screen and "Fees  $0.15 · 5.0 bps" in screen
    assert re.search(r"Expires  in \d+ s \(at \d\d:\d\d:\d\d UTC\)", screen), screen
    assert ticket["ticket_hash"] in screen and f"/approve {ticket['ticket_hash'][:8]}" in screen
    assert not RAW_DECIMALS.search(screen.replace(ticket["ticket_hash"], "")), screen
    assert "prepare_order" not in screen and "margin_after_usd" not in screen
