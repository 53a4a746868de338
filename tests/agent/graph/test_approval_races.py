"""Approvals that race: one sent the instant the ticket arrives, several at once
on one ticket, and tickets of one trader approved at once in several threads."""

from __future__ import annotations

import asyncio
import uuid

from agent import ChatEvent
from quantdesk.tickets import Approval, ExecutionReport, TicketClosed
from tests.agent.graph.conftest import TradeWorld, collect


def _thread() -> str:
    return f"t-{uuid.uuid4().hex[:8]}"


async def _ticket(trade: TradeWorld, thread: str, user: str = "alice", text: str = "long 0.1 SOL 2x") -> dict:
    events = await collect(trade.session.send(thread, user, text))
    return next(e for e in events if e.type == "ticket").data["ticket"]


def _story(trade: TradeWorld, ticket_hash: str) -> list[str]:
    return [r.event for r in trade.audit.for_ticket(ticket_hash)]


async def _execution(trade: TradeWorld, thread: str, ticket: dict) -> dict:
    events = await collect(trade.session.approve(thread, "alice", ticket["ticket_hash"]))
    return next(e for e in events if e.type == "execution").data


def _refusals(trade: TradeWorld, ticket_hash: str) -> list[tuple[str, str, str]]:
    return [(r.user_id, r.detail["action"], r.detail["reason"]) for r in trade.audit.for_ticket(ticket_hash)
            if r.event == "refusal"]


def _failed_transactions(trade: TradeWorld) -> list[tuple]:
    with trade.paper.db.pool.connection() as conn:
        return conn.execute("SELECT signature, error FROM paper_transactions WHERE NOT ok").fetchall()


async def test_an_approval_sent_the_instant_the_ticket_arrives_finds_it(trade: TradeWorld) -> None:
    for _ in range(15):
        thread = _thread()
        approvals: list[asyncio.Task[list[ChatEvent]]] = []
        async for event in trade.session.send(thread, "alice", "long 0.1 SOL 2x"):
            if event.type == "ticket":
                # As a web page does: the button is pressed while the message's stream is still open.
                approvals.append(asyncio.create_task(collect(
                    trade.session.approve(thread, "alice", event.data["ticket"]["ticket_hash"]))))
                await asyncio.sleep(0)
        assert len(approvals) == 1
        events = await approvals[0]
        assert [e.type for e in events if e.type in ("execution", "error")] == ["execution"], \
            [e.to_json() for e in events]
        assert next(e for e in events if e.type == "execution").data["ok"] is True


async def test_five_approvals_at_once_sign_once_and_audit_one_approval_and_four_refusals(trade: TradeWorld) -> None:
    thread = _thread()
    ticket = await _ticket(trade, thread)
    runs = await asyncio.gather(*(collect(trade.session.approve(thread, "alice", ticket["ticket_hash"]))
                                  for _ in range(5)))
    executions = [e for run in runs for e in run if e.type == "execution"]
    assert [e.data["ok"] for e in executions] == [True], [[e.to_json() for e in run] for run in runs]
    story = _story(trade, ticket["ticket_hash"])
    assert story.count("approval") == 1 and story.count("signature") == 1
    refusals = _refusals(trade, ticket["ticket_hash"])
    assert len(refusals) == 4  # each one after the first finds the ticket already executed
    assert all(refusal == ("alice", "approve", "no ticket is waiting for approval in this conversation")
               for refusal in refusals), refusals


async def test_approvals_racing_to_claim_one_ticket_in_the_executor_sign_once_and_audit_every_loser(
        trade: TradeWorld) -> None:
    # Five workers (no shared lock in between) each hand the executor the same approval.
    thread = _thread()
    ticket = await _ticket(trade, thread)
    approval = Approval(ticket["ticket_hash"], "alice", trade.paper.clock(), thread)
    assert trade.deps.executor is not None
    results = await asyncio.gather(*(trade.deps.executor.execute(approval) for _ in range(5)),
                                   return_exceptions=True)
    reports = [r for r in results if isinstance(r, ExecutionReport)]
    assert [r.ok for r in reports] == [True] and sum(isinstance(r, TicketClosed) for r in results) == 4, results
    story = _story(trade, ticket["ticket_hash"])
    assert story.count("approval") == 1 and story.count("signature") == 1
    refusals = _refusals(trade, ticket["ticket_hash"])
    assert len(refusals) == 4
    assert all(user == "alice" and "already executing; it will not execute again" in why
               for user, _action, why in refusals)


async def test_a_wrong_hash_another_user_and_a_late_approval_are_each_audited_as_refused(
        trade: TradeWorld) -> None:
    thread = _thread()
    ticket = await _ticket(trade, thread)
    await collect(trade.session.approve(thread, "alice", "0" * 64))
    await collect(trade.session.approve(thread, "bob", ticket["ticket_hash"]))
    await collect(trade.session.reject(thread, "bob", ticket["ticket_hash"]))
    trade.paper.clock.advance(61)
    await collect(trade.session.approve(thread, "alice", ticket["ticket_hash"]))
    refusals = _refusals(trade, ticket["ticket_hash"])
    assert [(user, action) for user, action, _why in refusals] == [
        ("alice", "approve"), ("bob", "approve"), ("bob", "reject"), ("alice", "approve")]
    assert "approval names ticket '000000000000'" in refusals[0][2]
    assert "belongs to another user" in refusals[1][2] and "belongs to another user" in refusals[2][2]
    assert "expired 1s before the approval" in refusals[3][2]
    assert "approval" not in _story(trade, ticket["ticket_hash"])
    assert "signature" not in _story(trade, ticket["ticket_hash"])
    assert trade.tickets.get(ticket["ticket_hash"]).status == "expired"


async def test_tickets_of_one_trader_approved_at_once_in_four_threads_fill_once_and_re_ask_the_rest(
        trade: TradeWorld) -> None:
    # Each ticket is built for the trader's next order number; only one can take it.
    threads = [_thread() for _ in range(4)]
    tickets = [await _ticket(trade, thread) for thread in threads]
    runs = await asyncio.gather(*(collect(trade.session.approve(thread, "alice", ticket["ticket_hash"]))
                                  for thread, ticket in zip(threads, tickets, strict=True)))
    filled = [run for run in runs if any(e.type == "execution" for e in run)]
    assert len(filled) == 1 and next(e for e in filled[0] if e.type == "execution").data["ok"] is True
    assert _failed_transactions(trade) == []  # nothing that had to fail was signed and sent
    asked_again = []
    for thread, ticket, run in zip(threads, tickets, runs, strict=True):
        if run in filled:
            continue
        text = " ".join(e.data.get("text", "") for e in run if e.type == "text")
        assert f"another order of yours landed after ticket {ticket['ticket_hash'][:12]} was prepared" in text
        assert "Nothing was sent" in text and "approve that one to go on" in text
        assert "signature" not in _story(trade, ticket["ticket_hash"])
        assert trade.tickets.get(ticket["ticket_hash"]).status == "failed"
        again = next(e for e in run if e.type == "ticket").data["ticket"]
        assert again["ticket_hash"] != ticket["ticket_hash"] and again["summary"] == ticket["summary"]
        asked_again.append((thread, again))
    assert len(asked_again) == 3
    thread, again = asked_again[0]
    assert (await _execution(trade, thread, again))["ok"] is True  # the new ticket is good
    assert _failed_transactions(trade) == []
