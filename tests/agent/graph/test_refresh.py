"""'Refresh quote' on a ticket: its owner gets the same request prepared again on
today's prices as a new ticket (the old one closes unsent), also once the old one
has expired; anyone else's refresh is refused and changes nothing."""

from __future__ import annotations

import uuid

from tests.agent.graph.conftest import TradeWorld, collect


async def _ticket(trade: TradeWorld, thread: str) -> dict:
    events = await collect(trade.session.send(thread, "alice", "long 1 SOL 2x"))
    return next(e.data["ticket"] for e in events if e.type == "ticket")


def _tickets(events: list) -> list[dict]:
    return [e.data["ticket"] for e in events if e.type == "ticket"]


async def test_a_refresh_prepares_the_same_request_again_and_closes_the_old_ticket(trade: TradeWorld) -> None:
    thread = f"t-{uuid.uuid4().hex[:8]}"
    old = await _ticket(trade, thread)
    trade.paper.clock.advance(5)
    trade.paper.price("SOL/USD", 151_00000000)
    events = await collect(trade.session.refresh(thread, "alice", old["ticket_hash"]))
    [new] = _tickets(events)
    assert new["ticket_hash"] != old["ticket_hash"] and new["params"] == old["params"]
    assert new["outcome"]["detail"]["oracle_price"] == "151.000000"
    stored = trade.tickets.get(old["ticket_hash"])
    assert (stored.status, stored.reason) == ("cancelled", "replaced by a refreshed quote")
    assert (await trade.session.pending_ticket(thread))["ticket_hash"] == new["ticket_hash"]
    done = await collect(trade.session.approve(thread, "alice", new["ticket_hash"]))
    assert next(e for e in done if e.type == "execution").data["ok"] is True


async def test_an_expired_ticket_can_be_refreshed(trade: TradeWorld) -> None:
    thread = f"t-{uuid.uuid4().hex[:8]}"
    old = await _ticket(trade, thread)
    trade.paper.clock.advance(61)
    trade.paper.price("SOL/USD", 150_00000000)  # a fresh tick: the old one is stale by now
    [new] = _tickets(await collect(trade.session.refresh(thread, "alice", old["ticket_hash"])))
    assert new["ticket_hash"] != old["ticket_hash"]
    assert trade.tickets.get(old["ticket_hash"]).status == "cancelled"


async def test_another_users_refresh_is_refused_and_the_ticket_keeps_waiting(trade: TradeWorld) -> None:
    thread = f"t-{uuid.uuid4().hex[:8]}"
    old = await _ticket(trade, thread)
    events = await collect(trade.session.refresh(thread, "bob", old["ticket_hash"]))
    assert {t["ticket_hash"] for t in _tickets(events)} <= {old["ticket_hash"]}  # no new ticket
    assert any("belongs to another user" in e.data.get("message", e.data.get("text", "")) for e in events)
    assert trade.tickets.get(old["ticket_hash"]).status == "pending"
    assert (await trade.session.pending_ticket(thread))["ticket_hash"] == old["ticket_hash"]
    assert any(r.event == "refusal" for r in trade.audit.for_ticket(old["ticket_hash"]))
