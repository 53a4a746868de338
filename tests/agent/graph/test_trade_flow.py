"""The whole trade flow with the rules model, real tools, the real database and
the paper venue: "long 2 SOL 5x" → a ticket with fill, fees, margin and
liquidation price → only the owner's approval naming its hash executes it, once."""

from __future__ import annotations

import uuid

import pytest

from tests.agent.graph.conftest import TradeWorld, collect


def _thread() -> str:
    return f"t-{uuid.uuid4().hex[:8]}"


async def _ticket(trade: TradeWorld, thread: str, user: str = "alice", text: str = "long 2 SOL 5x") -> dict:
    events = await collect(trade.session.send(thread, user, text))
    tickets = [e for e in events if e.type == "ticket"]
    assert tickets, [e.to_json() for e in events]
    return tickets[0].data["ticket"]


async def test_long_2_sol_5x_shows_an_exact_ticket_and_approval_fills_it(trade: TradeWorld) -> None:
    thread = _thread()
    ticket = await _ticket(trade, thread)
    assert ticket["summary"] == "Long 2 SOL-PERP at market, 5x"
    outcome = ticket["outcome"]
    assert outcome["fill_price"] == "150.045000" and outcome["size"] == "2"
    assert outcome["fee_usd"] == "0.150045" and outcome["margin_after_usd"] == "60.018000"
    assert outcome["liquidation_price"] is not None and float(outcome["liquidation_price"]) < 150
    assert ticket["price_bound"] == "150.750000"  # 50 bps above the oracle, on the tick
    events = await collect(trade.session.approve(thread, "alice", ticket["ticket_hash"]))
    execution = next(e for e in events if e.type == "execution")
    assert execution.data["ok"] is True
    assert "Filled: bought 2 SOL-PERP at $150.045, fee $0.15." in execution.data["text"]
    positions = await collect(trade.session.send(thread, "alice", "my positions"))
    assert "SOL-PERP long 2 @ 150.045000" in positions[-1].data["text"]
    story = [r.event for r in trade.audit.for_ticket(ticket["ticket_hash"])]
    assert story == ["ticket", "approval", "signature", "result"]


async def test_a_bare_yes_cancels_the_ticket_and_signs_nothing(trade: TradeWorld) -> None:
    thread = _thread()
    ticket = await _ticket(trade, thread)
    events = await collect(trade.session.send(thread, "alice", "yes"))
    texts = " ".join(e.data.get("text", "") for e in events)
    assert "was cancelled: a new message arrived before approval" in texts
    assert trade.tickets.get(ticket["ticket_hash"]).status == "cancelled"
    later = await collect(trade.session.approve(thread, "alice", ticket["ticket_hash"]))
    assert [e.type for e in later] == ["error"]
    assert not any(r.event == "signature" for r in trade.audit.for_ticket(ticket["ticket_hash"]))


async def test_another_user_and_a_wrong_hash_cannot_approve(trade: TradeWorld) -> None:
    thread = _thread()
    ticket = await _ticket(trade, thread)
    bob = await collect(trade.session.approve(thread, "bob", ticket["ticket_hash"]))
    assert [(e.type, e.data.get("message")) for e in bob] == [("error", "this conversation belongs to another user")]
    wrong = await collect(trade.session.approve(thread, "alice", "0" * 64))
    assert any("still waiting" in e.data.get("text", "") for e in wrong)
    assert trade.tickets.get(ticket["ticket_hash"]).status == "pending"
    ok = await collect(trade.session.approve(thread, "alice", ticket["ticket_hash"]))
    assert next(e for e in ok if e.type == "execution").data["ok"] is True


async def test_an_expired_ticket_is_not_executed(trade: TradeWorld) -> None:
    thread = _thread()
    ticket = await _ticket(trade, thread)
    trade.paper.clock.advance(61)
    events = await collect(trade.session.approve(thread, "alice", ticket["ticket_hash"]))
    assert any("was expired" in e.data.get("text", "") for e in events)
    assert not any(e.type == "execution" for e in events)
    assert trade.tickets.get(ticket["ticket_hash"]).status == "expired"


async def test_a_stale_price_refuses_to_prepare_with_the_reason(trade: TradeWorld) -> None:
    trade.paper.clock.advance(120)  # last SOL tick is now 121 s old
    events = await collect(trade.session.send(_thread(), "alice", "long 2 SOL 5x"))
    result = next(e for e in events if e.type == "tool_result")
    assert result.data["status"] == "error" and "stale" in result.data["text"]
    assert not any(e.type == "ticket" for e in events)


async def test_risk_rules_reject_with_rule_limit_and_value(trade: TradeWorld) -> None:
    # 0.3 BTC at ~$95k is ~$28.5k: affordable at 5x with the $10k welcome deposit, above the $25k order limit.
    events = await collect(trade.session.send(_thread(), "bob", "long 0.3 BTC 5x"))
    result = next(e for e in events if e.type == "tool_result")
    assert result.data["status"] == "error"
    assert "max_order_notional: FAILED (limit $25,000.00, value $28,5" in result.data["text"]
    assert not any(e.type == "ticket" for e in events)


async def test_the_program_refusal_is_shown_before_any_ticket(trade: TradeWorld) -> None:
    events = await collect(trade.session.send(_thread(), "carol", "long 2 SOL 20x"))
    result = next(e for e in events if e.type == "tool_result")
    assert result.data["status"] == "error" and "InitialMarginViolated" in result.data["text"]
    assert not any(e.type == "ticket" for e in events)


async def test_the_kill_switch_blocks_new_orders(trade: TradeWorld) -> None:
    trade.limits.update("alice", {"kill_switch": True}, by="test")
    events = await collect(trade.session.send(_thread(), "alice", "long 2 SOL 5x"))
    result = next(e for e in events if e.type == "tool_result")
    assert "kill_switch: FAILED (limit off (reduce-only allowed when on), value on)" in result.data["text"]


async def test_limits_are_enforced_again_at_execution(trade: TradeWorld) -> None:
    thread = _thread()
    ticket = await _ticket(trade, thread)
    trade.limits.update("alice", {"max_leverage": 2}, by="test")  # tightened after the ticket was shown
    events = await collect(trade.session.approve(thread, "alice", ticket["ticket_hash"]))
    execution = next(e for e in events if e.type == "execution")
    assert execution.data["ok"] is False and "max_leverage: FAILED (limit 2x (your limit), value 5x)" in \
        execution.data["text"]
    assert trade.tickets.get(ticket["ticket_hash"]).status == "failed"
    assert not any(r.event == "signature" for r in trade.audit.for_ticket(ticket["ticket_hash"]))


async def test_a_price_move_beyond_the_bound_cancels_at_execution(trade: TradeWorld) -> None:
    thread = _thread()
    ticket = await _ticket(trade, thread)
    trade.paper.clock.advance(2)  # a new publish time (ticks are unique per feed and second)
    trade.paper.price("SOL/USD", 152_00000000)  # +1.3 %: the fill would exceed the 50 bps bound
    events = await collect(trade.session.approve(thread, "alice", ticket["ticket_hash"]))
    execution = next(e for e in events if e.type == "execution")
    assert execution.data["ok"] is False and "SlippageExceeded" in execution.data["text"]
    assert not any(r.event == "signature" for r in trade.audit.for_ticket(ticket["ticket_hash"]))


async def test_double_approval_executes_once(trade: TradeWorld) -> None:
    thread = _thread()
    ticket = await _ticket(trade, thread)
    first = await collect(trade.session.approve(thread, "alice", ticket["ticket_hash"]))
    second = await collect(trade.session.approve(thread, "alice", ticket["ticket_hash"]))
    assert next(e for e in first if e.type == "execution").data["ok"] is True
    assert [e.type for e in second] == ["error"]
    signatures = [r for r in trade.audit.for_ticket(ticket["ticket_hash"]) if r.event == "signature"]
    assert len(signatures) == 1


async def _approve(trade: TradeWorld, thread: str, ticket: dict) -> dict:
    events = await collect(trade.session.approve(thread, "alice", ticket["ticket_hash"]))
    return next(e for e in events if e.type == "execution").data


async def test_close_half_then_cancel_and_withdraw_each_go_through_a_ticket(trade: TradeWorld) -> None:
    thread = _thread()
    assert (await _approve(trade, thread, await _ticket(trade, thread)))["ok"]
    close = await _ticket(trade, thread, text="close half my SOL")
    assert close["summary"] == "Close 1 of the SOL-PERP long at market"
    assert (await _approve(trade, thread, close))["ok"]
    positions = await collect(trade.session.send(thread, "alice", "my positions"))
    assert "SOL-PERP long 1 @" in positions[-1].data["text"]
    # A limit below the market rests. (At 100 it would be refused: filled there, the long held from 150 would
    # sit 4.2% above its liquidation price, and a resting limit is measured at its limit price.)
    rest = await _ticket(trade, thread, text="buy 1 sol at 140")
    assert (await _approve(trade, thread, rest))["ok"]
    cancel = await _ticket(trade, thread, text="cancel all orders")
    assert cancel["summary"].startswith("Cancel order(s)")
    assert (await _approve(trade, thread, cancel))["ok"]
    orders = await collect(trade.session.send(thread, "alice", "open orders"))
    assert orders[-1].data["text"] == "No open orders."
    withdraw = await _ticket(trade, thread, text="withdraw 100")
    assert withdraw["summary"].startswith("Withdraw 100 USDC to your wallet")
    assert (await _approve(trade, thread, withdraw))["ok"]


async def test_a_withdrawal_to_someone_elses_address_is_refused(trade: TradeWorld) -> None:
    events = await collect(trade.session.send(_thread(), "alice",
                                              "withdraw 100 to 9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin"))
    result = next(e for e in events if e.type == "tool_result")
    assert result.data["status"] == "error" and "is refused" in result.data["text"]
    assert not any(e.type == "ticket" for e in events)


async def test_funding_and_history_answer_from_the_venue(trade: TradeWorld) -> None:
    thread = _thread()
    assert (await _approve(trade, thread, await _ticket(trade, thread)))["ok"]
    funding = await collect(trade.session.send(thread, "alice", "funding on sol"))
    assert "SOL-PERP funding:" in funding[-1].data["text"] and "longs pay shorts" in funding[-1].data["text"]
    history = await collect(trade.session.send(thread, "alice", "pnl today"))
    assert "Last 1d: 1 fill(s), realized PnL $0.00, fees $0.15" in history[-1].data["text"]


@pytest.mark.parametrize(
    ("limits", "rule"),
    [
        ({"kill_switch": True}, "kill_switch"),
        ({"allowed_markets": frozenset({"BTC-PERP"})}, "allowed_markets"),
        ({"max_order_notional_usd": 100}, "max_order_notional"),
        ({"max_position_notional_usd": 100}, "max_position_notional"),
        ({"max_leverage": 3}, "max_leverage"),
        ({"max_daily_loss_usd": "0.01"}, "max_daily_loss"),  # the first trade's $0.0375 fee already counts
        ({"min_liquidation_distance_pct": 50}, "min_liquidation_distance"),
        ({"max_slippage_bps": 10}, "max_slippage"),
    ],
)
async def test_every_risk_rule_rejects_through_the_graph(trade: TradeWorld, limits: dict, rule: str) -> None:
    thread = _thread()
    if rule == "max_daily_loss":
        assert (await _approve(trade, thread, await _ticket(trade, thread, text="long 0.5 SOL 5x")))["ok"]
    trade.limits.update("alice", limits, by="test")
    events = await collect(trade.session.send(thread, "alice", "long 2 SOL 5x"))
    result = next(e for e in events if e.type == "tool_result")
    assert result.data["status"] == "error" and f"{rule}: FAILED (limit" in result.data["text"]
    assert not any(e.type == "ticket" for e in events)


async def test_rejecting_a_ticket_closes_it_and_signs_nothing(trade: TradeWorld) -> None:
    thread = _thread()
    ticket = await _ticket(trade, thread)
    events = await collect(trade.session.reject(thread, "alice", ticket["ticket_hash"]))
    assert any("was rejected: rejected by its owner" in e.data.get("text", "") for e in events)
    assert trade.tickets.get(ticket["ticket_hash"]).status == "rejected"
    assert [r.event for r in trade.audit.for_ticket(ticket["ticket_hash"])] == ["ticket", "rejection"]


async def test_quote_shows_price_impact_and_account_shows_margin_ratio_and_leverage(trade: TradeWorld) -> None:
    thread = _thread()
    quote = await collect(trade.session.send(thread, "alice", "quote long 2 sol 5x"))
    text = quote[-1].data["text"]
    assert "expected fill 150.045000 (oracle 150.000000, price impact 3.0 bps)" in text and "No order placed" in text
    assert not any(e.type == "ticket" for e in quote)
    assert (await _approve(trade, thread, await _ticket(trade, thread)))["ok"]
    account = await collect(trade.session.send(thread, "alice", "account"))
    text = account[-1].data["text"]
    assert "margin ratio 0.08% (maintenance ÷ equity), leverage 0.03x" in text  # $7.50 and $300 on ~$10k


async def test_the_same_order_waiting_in_another_thread_is_named_not_a_crash(trade: TradeWorld) -> None:
    # One trader, two conversations, the same close inside one blockhash (the test clock stands still):
    # the same transaction. The second conversation is told so; the first ticket still waits.
    s = trade.session
    placed = [e.data["ticket"] for e in await collect(s.send("same-1", "alice", "long 1 sol 2x")) if e.type == "ticket"]
    await collect(s.approve("same-1", "alice", placed[0]["ticket_hash"]))
    first = [e.data["ticket"] for e in await collect(s.send("same-1", "alice", "close my sol")) if e.type == "ticket"]
    second = await collect(s.send("same-2", "alice", "close my sol"))
    assert first and not [e for e in second if e.type == "ticket"]
    said = " ".join(str(e.data.get("text", "")) for e in second if e.type == "text")
    assert "identical ticket" in said and "already waiting for approval" in said, [e.to_json() for e in second]
    done = await collect(s.approve("same-1", "alice", first[0]["ticket_hash"]))
    assert any(e.type == "execution" and e.data["ok"] for e in done)
