"""Resting orders are risk-checked and shown on the fill they would get: a limit order is measured
as if it filled at its limit price (where the keeper fills it, as maker), at preparation and again
at execution; its ticket shows that fill, marked hypothetical, and the keeper's real fill matches."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

from rich.console import Console
from solders.keypair import Keypair

from interfaces.terminal import ticket_panel
from quantdesk.exchange.paper import Keeper
from quantdesk.wallet import Signer
from tests.agent.graph.conftest import TradeWorld, collect


def _thread() -> str:
    return f"t-{uuid.uuid4().hex[:8]}"


async def _send(trade: TradeWorld, thread: str, text: str) -> list:
    return await collect(trade.session.send(thread, "alice", text))


async def _ticket(trade: TradeWorld, thread: str, text: str) -> tuple[dict, str]:
    events = await _send(trade, thread, text)
    tickets = [e.data["ticket"] for e in events if e.type == "ticket"]
    assert tickets, [e.to_json() for e in events]
    return tickets[0], next(e for e in events if e.type == "tool_result").data["text"]


async def _refusal(trade: TradeWorld, thread: str, text: str) -> str:
    events = await _send(trade, thread, text)
    assert not any(e.type == "ticket" for e in events), [e.to_json() for e in events]
    result = next(e for e in events if e.type == "tool_result")
    assert result.data["status"] == "error"
    return str(result.data["text"])


async def _approve(trade: TradeWorld, thread: str, ticket: dict) -> dict:
    events = await collect(trade.session.approve(thread, "alice", ticket["ticket_hash"]))
    return next(e for e in events if e.type == "execution").data


async def test_a_resting_limit_above_the_order_limit_is_rejected_at_its_limit_price(trade: TradeWorld) -> None:
    # 200 SOL at 140 is $28,000: it rests (the market is at 150) and the $10k deposit covers its 5x margin.
    text = await _refusal(trade, _thread(), "buy 200 sol at 140 5x")
    assert "max_order_notional: FAILED (limit $25,000.00, value $28,000.00 at your limit price)" in text


async def test_a_resting_limit_that_takes_the_position_over_its_limit_is_rejected(trade: TradeWorld) -> None:
    thread = _thread()
    held, _ = await _ticket(trade, thread, "long 10 sol 5x")
    assert (await _approve(trade, thread, held))["ok"]
    trade.limits.update("alice", {"max_position_notional_usd": 2_500}, by="test")
    text = await _refusal(trade, thread, "buy 10 sol at 140 5x")  # $1,400 alone; 20 SOL at 140 after the fill
    assert "max_position_notional: FAILED (limit $2,500.00, value $2,800.00 at your limit price)" in text
    assert "max_order_notional" not in text


async def test_a_resting_limit_whose_liquidation_at_the_fill_is_too_close_is_rejected(trade: TradeWorld) -> None:
    # 10x at 140 liquidates ~7.7% under 140; from the oracle (150) it would look like ~14%.
    trade.limits.update("alice", {"min_liquidation_distance_pct": 10}, by="test")
    text = await _refusal(trade, _thread(), "buy 10 sol at 140 10x")
    assert "min_liquidation_distance: FAILED (limit 10.00%, value 7.6" in text and "% from your limit price)" in text


async def test_a_modest_resting_limit_shows_its_fill_if_it_fills_marked_hypothetical(trade: TradeWorld) -> None:
    ticket, text = await _ticket(trade, _thread(), "buy 10 sol at 140 5x")
    outcome, detail = ticket["outcome"], ticket["outcome"]["detail"]
    assert (outcome["fill_price"], outcome["size"]) == ("140.000000", "10")
    assert Decimal(outcome["notional_usd"]) == 1400
    assert outcome["fee_usd"] == "0.280000" and outcome["margin_after_usd"] == "280.000000"  # 2 bps maker, 5x
    assert 114 < Decimal(outcome["liquidation_price"]) < 115  # 140 × (1 − 1/5) / (1 − 2.5% maintenance)
    assert detail["hypothetical"] is True and detail["resting"] is True and detail["maker"] is True
    assert detail["fills_at"] == "limit price" and detail["reserved_usd"] == "280.280000"
    assert (detail["oracle_price"], detail["distance_from_mark_pct"], detail["far_from_mark"]) == (
        "150.000000", "-6.67", False)
    assert detail["price_impact_bps"] is None
    assert "if it fills at your limit price" in ticket["summary"]
    assert "If it fills at your limit price: fill 140.000000 (maker), notional $1,400.00, fee $0.28" in text
    assert "6.67% below the oracle 150.000000" in text


async def test_the_terminal_panel_labels_a_resting_orders_figures_as_if_it_fills(trade: TradeWorld) -> None:
    ticket, _ = await _ticket(trade, _thread(), "buy 10 sol at 140 5x")
    console = Console(width=200, record=True)
    console.print(ticket_panel(ticket, trade.paper.clock()))
    screen = console.export_text()
    assert re.search(r"Limit price\s+\$140\.000 · 6\.7% below mark \$150\.000", screen), screen
    assert re.search(r"If filled: fill\s+\$140\.000", screen) and "Expected fill" not in screen
    assert re.search(r"If filled: fees\s+\$0\.28 · 2\.0 bps", screen), screen
    assert re.search(r"Reserved now\s+\$280\.28 for its margin and fee", screen), screen
    assert "140.000000" not in screen and "280.280000" not in screen


async def test_a_limit_far_from_the_market_is_flagged_with_the_threshold(trade: TradeWorld) -> None:
    ticket, text = await _ticket(trade, _thread(), "buy 1 sol at 120")
    detail = ticket["outcome"]["detail"]
    assert (detail["distance_from_mark_pct"], detail["far_from_mark"], detail["far_from_mark_threshold_pct"]) == (
        "-20.00", True, "10")
    assert "far from the market: 20.00% from the oracle, more than 10%" in ticket["summary"]
    assert "warning: more than 10% from the market" in text


async def test_a_stop_loss_ticket_shows_the_fill_if_it_triggers(trade: TradeWorld) -> None:
    thread = _thread()
    held, _ = await _ticket(trade, thread, "long 2 sol 5x")
    assert (await _approve(trade, thread, held))["ok"]
    ticket, text = await _ticket(trade, thread, "stop loss sol 140")
    outcome, detail = ticket["outcome"], ticket["outcome"]["detail"]
    assert detail["hypothetical"] is True and detail["maker"] is False and detail["fills_at"] == "trigger price"
    assert Decimal(outcome["fill_price"]) < 140 and Decimal(detail["realized_pnl_usd"]) < 0
    assert "if it triggers at your trigger price" in ticket["summary"]
    assert "If it triggers at your trigger price: fill" in text and "(taker)" in text


async def test_a_limit_the_program_could_never_fill_gets_no_ticket(trade: TradeWorld) -> None:
    trade.limits.update("alice", {"max_leverage": 20}, by="test")
    text = await _refusal(trade, _thread(), "buy 10 sol at 140 20x")
    assert "would refuse to fill it" in text and "InitialMarginViolated" in text


async def test_the_keepers_fill_is_the_one_the_ticket_showed(trade: TradeWorld) -> None:
    thread = _thread()
    ticket, _ = await _ticket(trade, thread, "buy 10 sol at 140 5x")
    execution = await _approve(trade, thread, ticket)
    assert execution["ok"] and execution["text"].startswith("Placed:")
    keeper = Keeper(trade.paper.executor, Signer(Keypair()), trade.paper.registry)
    keeper.ensure_account()
    trade.paper.clock.advance(2)
    trade.paper.price("SOL/USD", 139_90000000)  # past the limit: the taker price 139.94 is under 140
    report = keeper.run_once(int(trade.paper.clock().timestamp()))
    (fill,) = [e for o in report.outcomes for e in o.events if e["type"] == "OrderFilled"]
    outcome = ticket["outcome"]
    units = Decimal(10) ** -6
    assert fill["maker"] is True
    assert Decimal(fill["price"]) * units == Decimal(outcome["fill_price"])
    assert Decimal(fill["fee"]) * units == Decimal(outcome["fee_usd"])
    assert Decimal(fill["position_margin"]) * units == Decimal(outcome["margin_after_usd"])
    assert Decimal(fill["liquidation_price"]) * units == Decimal(outcome["liquidation_price"])
    assert fill["position_base"] == outcome["detail"]["position_base_after"]
    assert Decimal(fill["size"] * fill["price"]) * units / 10**9 == Decimal(outcome["notional_usd"])


async def test_a_resting_limit_is_measured_again_at_execution(trade: TradeWorld) -> None:
    thread = _thread()
    ticket, _ = await _ticket(trade, thread, "buy 10 sol at 140 5x")
    trade.limits.update("alice", {"max_order_notional_usd": 1_000}, by="test")  # tightened after the ticket
    execution = await _approve(trade, thread, ticket)
    assert execution["ok"] is False
    assert "max_order_notional: FAILED (limit $1,000.00, value $1,400.00 at your limit price)" in execution["text"]
    assert not any(r.event == "signature" for r in trade.audit.for_ticket(ticket["ticket_hash"]))
