"""Cross-process mutual exclusion on the database: a session-level Postgres
advisory lock held on a dedicated connection, so it is released the moment the
holder finishes, dies or disconnects (no stale lock to clean up)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quantdesk.db._database import Database

__all__ = ["advisory_lock"]


@contextmanager
def advisory_lock(db: Database, key: int) -> Iterator[None]:
    """Hold ``pg_advisory_lock(key)`` for the block, waiting for any other holder.

    The connection is its own (not from the pool), so work inside the block can
    use every pool connection without deadlocking against the lock.
    """
    with db.connect(autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (key,))
        yield
    # closing the connection ends the session, which releases the lock
