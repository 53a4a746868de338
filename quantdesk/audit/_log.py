"""The audit trail: one append-only table (the database refuses UPDATE, DELETE
and TRUNCATE) recording, per ticket, message -> ticket -> approval -> signature
-> result with timestamps. Details never hold key material: callers pass ids,
hashes, signatures (public) and outcomes only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

AuditEvent = Literal["message", "ticket", "approval", "rejection", "expiry", "signature", "result", "error"]


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

    def for_ticket(self, ticket_hash: str) -> list[AuditRecord]:
        """The ticket's story, oldest first."""
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT id, at, event, user_id, thread_id, ticket_hash, detail FROM audit_log "
                "WHERE ticket_hash = %s ORDER BY id", (ticket_hash,),
            ).fetchall()
        return [AuditRecord(*row) for row in rows]
