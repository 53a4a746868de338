"""What a ticket carries for the trader's card beyond the simulation: the account
before the order (free collateral, position, default leverage), what the order
does to the position, and the liquidation distance from its (expected or, for a
resting order, hypothetical) fill."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

from quantdesk.display import signed_money
from tests.agent.graph.conftest import TradeWorld, collect


async def _ticket(trade: TradeWorld, text: str, thread: str | None = None) -> tuple[str, dict]:
    thread = thread or f"t-{uuid.uuid4().hex[:8]}"
    events = await collect(trade.session.send(thread, "alice", text))
    tickets = [e.data["ticket"] for e in events if e.type == "ticket"]
    assert tickets, [e.to_json() for e in events]
    return thread, tickets[0]


async def _fill(trade: TradeWorld, text: str) -> None:
    thread, ticket = await _ticket(trade, text)
    events = await collect(trade.session.approve(thread, "alice", ticket["ticket_hash"]))
    assert next(e for e in events if e.type == "execution").data["ok"] is True


async def test_an_opening_market_order_says_default_leverage_free_collateral_and_liquidation_distance(
        trade: TradeWorld) -> None:
    _, ticket = await _ticket(trade, "long 2 SOL")
    detail = ticket["outcome"]["detail"]
    assert detail["leverage"] == 3 and detail["leverage_defaulted"] is True
    assert detail["effect"] == "opens" and detail["position_before"] is None
    assert Decimal(detail["free_collateral_usd"]) == Decimal(10_000)  # the paper trader's first deposit
    fill, liq = Decimal(ticket["outcome"]["fill_price"]), Decimal(ticket["outcome"]["liquidation_price"])
    assert Decimal(detail["liquidation_distance_pct"]) == ((fill - liq) / fill * 100).quantize(Decimal("0.01"))
    _, said = await _ticket(trade, "long 2 SOL 5x")
    assert said["outcome"]["detail"]["leverage_defaulted"] is False


async def test_orders_against_a_position_say_they_reduce_or_close_it(trade: TradeWorld) -> None:
    await _fill(trade, "long 2 SOL 5x")
    _, more = await _ticket(trade, "long 1 SOL 5x")
    assert more["outcome"]["detail"]["effect"] == "adds"
    _, part = await _ticket(trade, "short 0.5 SOL 5x")
    assert part["outcome"]["detail"]["effect"] == "reduces" and part["outcome"]["detail"]["position_before"] == "2"
    _, close = await _ticket(trade, "close my SOL position")
    detail = close["outcome"]["detail"]
    assert detail["effect"] == "closes" and detail["position_before"] == "2"
    assert "realized_pnl_usd" in detail


async def test_a_resting_order_measures_its_liquidation_distance_from_its_fill_at_the_limit(
        trade: TradeWorld) -> None:
    _, ticket = await _ticket(trade, "long 1 sol 2x limit 120")
    outcome, detail = ticket["outcome"], ticket["outcome"]["detail"]
    assert detail["hypothetical"] is True and Decimal(outcome["fill_price"]) == 120
    assert detail["effect"] == "opens" and detail["leverage_defaulted"] is False
    liq = Decimal(outcome["liquidation_price"])
    assert Decimal(detail["liquidation_distance_pct"]) == ((120 - liq) / 120 * 100).quantize(Decimal("0.01"))


async def test_the_fill_of_a_close_says_its_realized_pnl(trade: TradeWorld) -> None:
    await _fill(trade, "long 2 SOL 5x")
    thread, close = await _ticket(trade, "close my SOL position")
    events = await collect(trade.session.approve(thread, "alice", close["ticket_hash"]))
    text = next(e for e in events if e.type == "execution").data["text"]
    fill = next(e for e in trade.tickets.get(close["ticket_hash"]).result["events"] if e["type"] == "OrderFilled")
    assert f"realized PnL {signed_money(Decimal(fill['realized_pnl']).scaleb(-6))}" in text, text
    opening = await collect(trade.session.send(thread, "alice", "long 1 SOL 5x"))
    ticket = next(e.data["ticket"] for e in opening if e.type == "ticket")
    events = await collect(trade.session.approve(thread, "alice", ticket["ticket_hash"]))
    assert "realized PnL" not in next(e for e in events if e.type == "execution").data["text"]


async def test_a_placed_resting_order_is_told_with_its_price_at_the_tick(trade: TradeWorld) -> None:
    thread, ticket = await _ticket(trade, "buy 1 sol at 140")
    events = await collect(trade.session.approve(thread, "alice", ticket["ticket_hash"]))
    text = next(e for e in events if e.type == "execution").data["text"]
    assert re.match(r"Placed: limit order #\d+, buy 1 SOL-PERP at \$140\.000; it rests until the price reaches it\. "
                    r"Transaction ", text), text
