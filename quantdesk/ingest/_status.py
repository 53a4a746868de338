"""The ingest service's status: one pydantic model, served as JSON on the
ingest port, persisted to ``ingest_status`` about once a second, and read back
by ``quantdesk ingest status`` and the agent when the port is not reachable."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import psycopg
from pydantic import BaseModel

from quantdesk.db import Database

__all__ = ["BreakerStatus", "FeedStatus", "IngestStatus", "read_status", "UPSERT_STATUS_SQL"]

Role = Literal["starting", "leader", "standby", "stopped"]


class BreakerStatus(BaseModel):
    state: Literal["closed", "open", "half_open"]
    consecutive_failures: int
    total_failures: int
    opens: int
    last_error: str | None
    retry_at: datetime | None


class FeedStatus(BaseModel):
    symbol: str
    feed_id: str
    price: str  # decimal text: exact, never a float
    conf: str
    publish_time: int
    age_s: int
    quality: Literal["ok", "stale", "wide", "halted"]
    reason: str


class IngestStatus(BaseModel):
    instance: str
    role: Role
    source: str
    source_description: str
    breaker: BreakerStatus
    ticks_received: int
    ticks_written: int
    duplicates: int
    rejected: int
    pending: int
    ticks_per_s: float
    lag_s: float | None
    last_write_ms: float | None
    last_error: str | None
    started_at: datetime
    updated_at: datetime
    feeds: list[FeedStatus]
    source_stats: dict[str, int]


UPSERT_STATUS_SQL = """
INSERT INTO ingest_status (instance, role, status, updated_at) VALUES (%s, %s, %s::jsonb, now())
ON CONFLICT (instance) DO UPDATE SET role = EXCLUDED.role, status = EXCLUDED.status, updated_at = now()
"""

_READ_SQL = """
SELECT status FROM ingest_status
ORDER BY (role = 'leader') DESC, updated_at DESC
LIMIT 1
"""


def read_status(db: Database) -> IngestStatus | None:
    """The latest persisted status (the leader's if there is one), or None if the
    service never ran against this database."""
    try:
        with db.connect(autocommit=True) as conn:
            row = conn.execute(_READ_SQL).fetchone()
    except psycopg.errors.UndefinedTable:
        return None
    return None if row is None else IngestStatus.model_validate(row[0])
