"""Tickets in Postgres: saved when prepared, claimed exactly once for execution.

``claim`` is the only way to move a ticket to ``executing``: it locks the row,
checks the approval with :func:`check_approval` and flips the status in one
transaction, so two approvals racing (a double click, a retried request, two
workers) execute at most once; the loser gets :class:`TicketClosed`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from quantdesk.errors import ApprovalError, QuantDeskError
from quantdesk.tickets._gate import Approval, TicketClosed, TicketExpired, WrongTicket, check_approval
from quantdesk.tickets._model import OrderTicket

TicketStatus = Literal["pending", "executing", "executed", "failed", "rejected", "expired", "cancelled"]
_FINAL_CLOSE = ("rejected", "expired", "cancelled")


class TicketExists(QuantDeskError):
    """A ticket with these exact message bytes is already waiting for approval or was already sent.

    A ticket is its message, so two identical requests inside one blockhash's life (~400 ms)
    build the same bytes. Bytes that were never signed may be offered again (see
    :meth:`TicketStore.save`); bytes waiting or sent may not: the second would be the same
    transaction twice.
    """


@dataclass(frozen=True)
class StoredTicket:
    ticket: OrderTicket
    status: TicketStatus
    reason: str | None
    signature: str | None
    result: dict[str, Any] | None


class TicketStore:
    def __init__(self, pool: ConnectionPool) -> None:
        self._pool = pool

    def save(self, ticket: OrderTicket) -> None:
        """Store ``ticket`` as pending. The same bytes closed unsent (rejected, expired, cancelled) by the
        same trader are offered again as this new ticket; waiting or sent ones raise :class:`TicketExists`."""
        with self._pool.connection() as conn:
            saved = conn.execute(
                "INSERT INTO tickets (ticket_hash, user_id, thread_id, ticket, created_at, expires_at) "
                "VALUES (%s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (ticket_hash) DO UPDATE SET thread_id = EXCLUDED.thread_id, ticket = EXCLUDED.ticket, "
                "created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at, status = 'pending', "
                "decided_at = NULL, reason = NULL "
                "WHERE tickets.user_id = EXCLUDED.user_id AND tickets.status IN ('rejected', 'expired', 'cancelled') "
                "RETURNING ticket_hash",
                (ticket.ticket_hash, ticket.user_id, ticket.thread_id, Jsonb(ticket.model_dump(mode="json")),
                 ticket.created_at, ticket.expires_at),
            ).fetchone()
            if saved is None:
                row = conn.execute("SELECT status FROM tickets WHERE ticket_hash = %s",
                                   (ticket.ticket_hash,)).fetchone()
                state = {"pending": "is already waiting for approval", "executing": "is being sent"}.get(
                    row[0] if row else "", "was already sent")
                raise TicketExists(f"an identical ticket ({ticket.short_hash}) {state}; approve or reject that one, "
                                   "or ask again in a moment for a fresh transaction")

    def get(self, ticket_hash: str) -> StoredTicket | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT ticket, status, reason, signature, result FROM tickets WHERE ticket_hash = %s",
                (ticket_hash,),
            ).fetchone()
        return None if row is None else StoredTicket(OrderTicket.model_validate(row[0]), *row[1:])

    def pending_for_thread(self, thread_id: str) -> OrderTicket | None:
        """The thread's newest ticket still waiting for a decision, if any."""
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT ticket FROM tickets WHERE thread_id = %s AND status = 'pending' "
                "ORDER BY created_at DESC LIMIT 1", (thread_id,),
            ).fetchone()
        return None if row is None else OrderTicket.model_validate(row[0])

    def claim(self, approval: Approval) -> OrderTicket:
        """Move the approved ticket to ``executing`` or raise why not (see module doc)."""
        failure: ApprovalError | None = None
        with self._pool.connection() as conn, conn.transaction():
            row = conn.execute(
                "SELECT ticket, status FROM tickets WHERE ticket_hash = %s FOR UPDATE",
                (approval.ticket_hash.lower(),),
            ).fetchone()
            if row is None:
                raise WrongTicket(f"no ticket {approval.ticket_hash[:12]!r} exists; nothing was executed")
            ticket, status = OrderTicket.model_validate(row[0]), row[1]
            if status != "pending":
                raise TicketClosed(f"ticket {ticket.short_hash} is already {status}; it will not execute again")
            try:
                check_approval(ticket, approval)
            except TicketExpired as exc:
                conn.execute(
                    "UPDATE tickets SET status = 'expired', decided_at = %s, reason = %s WHERE ticket_hash = %s",
                    (approval.at, str(exc), ticket.ticket_hash),
                )
                failure = exc  # raised after the status change commits
            else:
                conn.execute(
                    "UPDATE tickets SET status = 'executing', decided_at = %s WHERE ticket_hash = %s",
                    (approval.at, ticket.ticket_hash),
                )
        if failure is not None:
            raise failure
        return ticket

    def finish(self, ticket_hash: str, *, ok: bool, signature: str | None, result: dict[str, Any]) -> None:
        """Record the outcome of an executing ticket."""
        with self._pool.connection() as conn:
            conn.execute(
                "UPDATE tickets SET status = %s, signature = %s, result = %s "
                "WHERE ticket_hash = %s AND status = 'executing'",
                ("executed" if ok else "failed", signature, Jsonb(result), ticket_hash),
            )

    def close(self, ticket_hash: str, status: Literal["rejected", "expired", "cancelled"], reason: str,
              at: datetime) -> bool:
        """Close a pending ticket without executing it. False if it was no longer pending."""
        assert status in _FINAL_CLOSE
        with self._pool.connection() as conn:
            cur = conn.execute(
                "UPDATE tickets SET status = %s, reason = %s, decided_at = %s "
                "WHERE ticket_hash = %s AND status = 'pending'",
                (status, reason, at, ticket_hash),
            )
            return cur.rowcount == 1
