"""Tickets and the approval rule, stored in the real database: the hash binds the
exact bytes, only the owner's timely approval naming the hash executes, once."""

from __future__ import annotations

import base64
import os
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import psycopg
import pytest
from pydantic import ValidationError

from quantdesk.audit import AuditLog
from quantdesk.db import Database
from quantdesk.errors import ApprovalError
from quantdesk.tickets import (
    Approval,
    OrderTicket,
    SimulatedOutcome,
    TicketClosed,
    TicketExists,
    TicketExpired,
    TicketStore,
    WrongTicket,
    WrongUser,
    check_approval,
    message_hash,
)

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def make_ticket(user: str = "alice", thread: str = "t-1", message: bytes | None = None,
                created: datetime = NOW) -> OrderTicket:
    message = message if message is not None else os.urandom(120)
    return OrderTicket(
        ticket_hash=message_hash(message), user_id=user, thread_id=thread, kind="order", tool="prepare_order",
        params={"market": "SOL-PERP", "side": "long", "size": "2", "leverage": "5"}, market="SOL-PERP",
        summary="Long 2 SOL-PERP at market, 5x", price_bound=Decimal("150.75"),
        outcome=SimulatedOutcome(fill_price=Decimal("150.08"), size=Decimal(2), fee_usd=Decimal("0.15"),
                                 liquidation_price=Decimal("121.40")),
        message_b64=base64.b64encode(message).decode(), created_at=created, expires_at=created + timedelta(seconds=60),
    )


def test_the_ticket_hash_must_be_the_hash_of_its_message_bytes() -> None:
    ticket = make_ticket()
    other = base64.b64encode(b"different bytes").decode()
    with pytest.raises(ValidationError, match="not the SHA-256"):
        OrderTicket.model_validate({**ticket.model_dump(), "message_b64": other})


def test_only_the_owner_naming_the_full_hash_before_expiry_passes() -> None:
    ticket = make_ticket()
    check_approval(ticket, Approval(ticket.ticket_hash, "alice", NOW + timedelta(seconds=59)))
    with pytest.raises(WrongTicket):
        check_approval(ticket, Approval(ticket.ticket_hash[:12], "alice", NOW))
    with pytest.raises(WrongTicket):
        check_approval(ticket, Approval(message_hash(b"x"), "alice", NOW))
    with pytest.raises(WrongUser):
        check_approval(ticket, Approval(ticket.ticket_hash, "mallory", NOW))
    with pytest.raises(TicketExpired, match="expired 1s before the approval"):
        check_approval(ticket, Approval(ticket.ticket_hash, "alice", NOW + timedelta(seconds=61)))


@pytest.fixture
def store(database: Database) -> TicketStore:
    return TicketStore(database.pool)


def test_a_saved_ticket_round_trips_and_is_the_threads_pending_one(store: TicketStore) -> None:
    ticket = make_ticket(thread="t-roundtrip")
    store.save(ticket)
    stored = store.get(ticket.ticket_hash)
    assert stored is not None and stored.status == "pending" and stored.ticket == ticket
    assert store.pending_for_thread("t-roundtrip") == ticket


def test_claim_moves_to_executing_once_and_a_second_approval_is_refused(store: TicketStore) -> None:
    ticket = make_ticket()
    store.save(ticket)
    approval = Approval(ticket.ticket_hash, "alice", NOW + timedelta(seconds=5))
    assert store.claim(approval) == ticket
    with pytest.raises(TicketClosed, match="already executing; it will not execute again"):
        store.claim(approval)
    store.finish(ticket.ticket_hash, ok=True, signature="sig", result={"filled": "2"})
    stored = store.get(ticket.ticket_hash)
    assert stored is not None and (stored.status, stored.signature) == ("executed", "sig")
    with pytest.raises(TicketClosed, match="already executed"):
        store.claim(approval)


def test_racing_approvals_execute_exactly_once(store: TicketStore) -> None:
    ticket = make_ticket()
    store.save(ticket)
    approval = Approval(ticket.ticket_hash, "alice", NOW)
    wins: list[OrderTicket] = []
    losses: list[ApprovalError] = []
    barrier = threading.Barrier(6)

    def approve() -> None:
        barrier.wait()
        try:
            wins.append(store.claim(approval))
        except ApprovalError as exc:
            losses.append(exc)

    threads = [threading.Thread(target=approve) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(wins) == 1 and len(losses) == 5
    assert all(isinstance(e, TicketClosed) for e in losses)


def test_a_late_approval_expires_the_ticket(store: TicketStore) -> None:
    ticket = make_ticket()
    store.save(ticket)
    with pytest.raises(TicketExpired):
        store.claim(Approval(ticket.ticket_hash, "alice", NOW + timedelta(minutes=5)))
    stored = store.get(ticket.ticket_hash)
    assert stored is not None and stored.status == "expired" and "expired" in (stored.reason or "")


def test_another_users_approval_leaves_the_ticket_pending_for_its_owner(store: TicketStore) -> None:
    ticket = make_ticket()
    store.save(ticket)
    with pytest.raises(WrongUser):
        store.claim(Approval(ticket.ticket_hash, "mallory", NOW))
    with pytest.raises(WrongTicket):
        store.claim(Approval(message_hash(b"unknown"), "alice", NOW))
    assert store.get(ticket.ticket_hash).status == "pending"  # type: ignore[union-attr]
    assert store.claim(Approval(ticket.ticket_hash, "alice", NOW)) == ticket


def test_a_rejected_ticket_can_no_longer_be_approved(store: TicketStore) -> None:
    ticket = make_ticket()
    store.save(ticket)
    assert store.close(ticket.ticket_hash, "rejected", "user said no", NOW)
    assert not store.close(ticket.ticket_hash, "cancelled", "again", NOW)
    with pytest.raises(TicketClosed, match="already rejected"):
        store.claim(Approval(ticket.ticket_hash, "alice", NOW))


def test_the_same_bytes_closed_unsent_are_offered_again_as_the_new_ticket(store: TicketStore) -> None:
    # Two identical requests inside one blockhash's life build the same message: one transaction.
    message = os.urandom(120)
    first = make_ticket(thread="t-again", message=message)
    store.save(first)
    assert store.close(first.ticket_hash, "cancelled", "a new message arrived before approval", NOW)
    again = make_ticket(thread="t-again-2", message=message, created=NOW + timedelta(seconds=1))
    store.save(again)
    stored = store.get(again.ticket_hash)
    assert stored is not None and stored.status == "pending" and stored.reason is None
    assert stored.ticket == again and store.pending_for_thread("t-again-2") == again
    # Approved in its new thread, by its owner, before its new expiry: claimed once.
    assert store.claim(Approval(again.ticket_hash, "alice", NOW + timedelta(seconds=30), "t-again-2")) == again
    with pytest.raises(TicketClosed):
        store.claim(Approval(again.ticket_hash, "alice", NOW + timedelta(seconds=31), "t-again-2"))


@pytest.mark.parametrize("status", ["pending", "executing", "executed"])
def test_the_same_bytes_waiting_or_sent_are_refused_and_nothing_changes(store: TicketStore, status: str) -> None:
    message = os.urandom(120)
    first = make_ticket(thread="t-first", message=message)
    store.save(first)
    if status != "pending":
        store.claim(Approval(first.ticket_hash, "alice", NOW + timedelta(seconds=5)))
    if status == "executed":
        store.finish(first.ticket_hash, ok=True, signature="sig", result={})
    with pytest.raises(TicketExists, match="identical ticket .* (already waiting|being sent|already sent)"):
        store.save(make_ticket(thread="t-second", message=message, created=NOW + timedelta(seconds=1)))
    stored = store.get(first.ticket_hash)
    assert stored is not None and stored.ticket.thread_id == "t-first" and stored.status == status


def test_audit_log_keeps_the_story_in_order_and_refuses_edits(database: Database) -> None:
    log = AuditLog(database.pool)
    ticket = make_ticket()
    for event in ("message", "ticket", "approval", "signature", "result"):
        log.append(event, user_id="alice", thread_id="t-1", ticket_hash=ticket.ticket_hash,  # type: ignore[arg-type]
                   detail={"step": event})
    story = log.for_ticket(ticket.ticket_hash)
    assert [r.event for r in story] == ["message", "ticket", "approval", "signature", "result"]
    assert all(a.at <= b.at for a, b in zip(story, story[1:], strict=False))
    for sql in ("UPDATE audit_log SET event = 'error'", "DELETE FROM audit_log", "TRUNCATE audit_log"):
        with database.connect() as conn, pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            conn.execute(sql)
    assert len(log.for_ticket(ticket.ticket_hash)) == 5
