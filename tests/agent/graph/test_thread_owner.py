"""A thread belongs to the user who started it: another user's message, approval
or rejection on it is refused, and the owner's pending ticket keeps waiting."""

from __future__ import annotations

import uuid

from tests.agent.graph.conftest import TradeWorld, collect


async def test_another_user_can_neither_message_approve_nor_reject_on_someone_elses_thread(
        trade: TradeWorld) -> None:
    thread = f"t-{uuid.uuid4().hex[:8]}"
    events = await collect(trade.session.send(thread, "alice", "long 2 SOL 5x"))
    ticket = next(e for e in events if e.type == "ticket").data["ticket"]
    said = await collect(trade.session.send(thread, "bob", "what's SOL doing?"))
    assert [(e.type, e.data["message"]) for e in said] == [("error", "this conversation belongs to another user")]
    before = await trade.session.history(thread)
    rejected = await collect(trade.session.reject(thread, "bob", ticket["ticket_hash"]))
    approved = await collect(trade.session.approve(thread, "bob", ticket["ticket_hash"]))
    for refused in (rejected, approved):
        assert [(e.type, e.data["message"]) for e in refused] == [
            ("error", "this conversation belongs to another user")]
    # Nothing of bob's reaches alice's conversation, and both refusals are on the ticket's record.
    assert await trade.session.history(thread) == before
    refusals = [(r.user_id, r.detail["action"]) for r in trade.audit.for_ticket(ticket["ticket_hash"])
                if r.event == "refusal"]
    assert refusals == [("bob", "reject"), ("bob", "approve")]
    assert trade.tickets.get(ticket["ticket_hash"]).status == "pending"
    assert not any(r.event == "signature" for r in trade.audit.for_ticket(ticket["ticket_hash"]))
    ok = await collect(trade.session.approve(thread, "alice", ticket["ticket_hash"]))
    assert next(e for e in ok if e.type == "execution").data["ok"] is True
