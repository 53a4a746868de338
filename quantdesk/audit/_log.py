"""The audit trail: one append-only table (the database refuses UPDATE, DELETE
and TRUNCATE) recording, per ticket, message -> ticket -> approval -> signature
-> result with timestamps, and every approval or rejection the gate refused
(``refusal``, with its reason). Details never hold key material: callers pass
ids, hashes, signatures (public) and outcomes only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

AuditEvent = Literal["message", "ticket", "approval", "refusal", "rejection", "expiry", "signature", "result",
                     "error"]
_TICKET_HASH = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: datetime
    event: AuditEvent
    user_id: str
    thread_id: str
    ticket_hash: str | None
    detail: dict[str, Any]


class AuditLog:
    """Appends and reads audit records."""

    def __init__(self, pool: ConnectionPool) -> None:
        self._pool = pool

    def append(self, event: AuditEvent, *, user_id: str, thread_id: str, ticket_hash: str | None = None,
               detail: dict[str, Any] | None = None) -> int:
        with self._pool.connection() as conn:
            row = conn.execute(
                "INSERT INTO audit_log (event, user_id, thread_id, ticket_hash, detail) "
                "VALUES (%s, %s, %s, %s, %s) RETURNING id",
                (event, user_id, thread_id, ticket_hash, Jsonb(detail or {})),
            ).fetchone()
        assert row is not None
        return int(row[0])

    def refusal(self, action: str, *, user_id: str, thread_id: str, reason: str, named: str,
                ticket_hash: str | None = None) -> int:
        """An ``action`` ("approve"/"reject") naming ``named`` that was refused for ``reason``.

        It is filed under ``ticket_hash`` (the ticket it concerned) or else under the
        hash it named, when that has a ticket hash's shape.
        """
        named = named.strip().lower()[:64]
        if ticket_hash is None and _TICKET_HASH.fullmatch(named):
            ticket_hash = named
        detail = {"action": action, "reason": reason, **({"named": named} if named != ticket_hash else {})}
        return self.append("refusal", user_id=user_id or "?", thread_id=thread_id or "?", ticket_hash=ticket_hash,
                           detail=detail)

    def for_ticket(self, ticket_hash: str) -> list[AuditRecord]:
        """The ticket's story, oldest first."""
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT id, at, event, user_id, thread_id, ticket_hash, detail FROM audit_log "
                "WHERE ticket_hash = %s ORDER BY id", (ticket_hash,),
            ).fetchall()
        return [AuditRecord(*row) for row in rows]
