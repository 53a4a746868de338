"""LangGraph's Postgres checkpointer on our database: checkpoints (and so tickets
paused at the confirmation gate) survive restarts and are shared by workers.

A thread keeps only what resuming needs: its latest checkpoint (older ones are
pruned after each turn, ``ThreadSaver.keep_latest``), whose state holds the recent
turns and the dialogue memory. The conversation itself is the transcript, on the
same pool (``ThreadSaver.transcript``), which is what ChatSession reads history from.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast

from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from psycopg import AsyncConnection
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool

from agent._transcript import Transcript
from quantdesk.db import POOL_RESILIENCE, Database
from quantdesk.errors import DatabaseError
from quantdesk.logs import get_logger

log = get_logger(__name__)


# Arbitrary constant naming "checkpoint tables set-up" in pg_advisory_lock's key space.
_SETUP_LOCK_KEY = 0x5144_4350_5345_5455


class ThreadSaver(AsyncPostgresSaver):
    """The checkpointer, plus the transcript on its pool and the pruning of superseded checkpoints."""

    def __init__(self, pool: AsyncConnectionPool[Any]) -> None:
        super().__init__(pool)
        self._pool = pool
        self.transcript = Transcript(pool)

    async def keep_latest(self, thread_id: str) -> None:
        """Delete the thread's checkpoints but its latest (with their writes and the blobs only they used):
        a resumed thread reads the latest alone, so storage stays the size of one state, not of the thread.

        One statement, run by the thread's turn (which holds the thread's turn lock, so no run of the
        thread saves meanwhile). LangGraph's ``aprune(strategy="keep_latest")`` does the same for any
        graph (subgraphs, sends) in a dozen statements: measured at 36 ms a turn on a loaded machine,
        more than the turn itself; MIKEY's graph has neither, so this is all it needs.
        """
        async with self._pool.connection() as conn:
            await conn.execute(_KEEP_LATEST, {"thread": thread_id})


# The root namespace only: MIKEY's graph has no subgraphs. A blob is kept when the latest
# checkpoint's channel_versions names it; a write when it belongs to the latest checkpoint.
_KEEP_LATEST = """
WITH latest AS (
    SELECT checkpoint_id, checkpoint -> 'channel_versions' AS versions FROM checkpoints
    WHERE thread_id = %(thread)s AND checkpoint_ns = '' ORDER BY checkpoint_id DESC LIMIT 1
), old_checkpoints AS (
    DELETE FROM checkpoints c USING latest
    WHERE c.thread_id = %(thread)s AND c.checkpoint_ns = '' AND c.checkpoint_id < latest.checkpoint_id
), old_writes AS (
    DELETE FROM checkpoint_writes w USING latest
    WHERE w.thread_id = %(thread)s AND w.checkpoint_ns = '' AND w.checkpoint_id < latest.checkpoint_id
)
DELETE FROM checkpoint_blobs b USING latest
WHERE b.thread_id = %(thread)s AND b.checkpoint_ns = ''
  AND (latest.versions ->> b.channel) IS DISTINCT FROM b.version
"""


@asynccontextmanager
async def open_checkpointer(db: Database, *, max_size: int = 5) -> AsyncIterator[ThreadSaver]:
    """A ready checkpointer (its tables created by LangGraph's own ``setup``)."""
    # The saver needs autocommit, dict rows and no server-side prepared statements.
    # Checked and reconnecting like the database's own pools, so a database restart
    # costs the chat one failed turn at most, never the process.
    # Cast: the pool's type cannot follow row_factory=dict_row given through kwargs.
    pool = cast("AsyncConnectionPool[AsyncConnection[DictRow]]", AsyncConnectionPool(
        db.url, min_size=1, max_size=max_size, open=False, name="checkpoints",
        kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row},
        check=AsyncConnectionPool.check_connection, **POOL_RESILIENCE))
    await pool.open()
    try:
        saver = ThreadSaver(pool)
        # setup() is check-then-create (read the last applied version, run the rest): workers
        # starting together on a new database would both create the tables and one fail on a
        # duplicate key, so they take turns. Polled with pg_try_advisory_lock, not waited for
        # with pg_advisory_lock: a waiting statement holds a snapshot, and setup's CREATE INDEX
        # CONCURRENTLY waits for every snapshot to go, so the two would wait on each other.
        async with pool.connection() as conn:
            while not await _try_setup_lock(conn):
                await asyncio.sleep(0.05)
            try:
                await saver.setup()
            finally:
                await conn.execute("SELECT pg_advisory_unlock(%s)", (_SETUP_LOCK_KEY,))
        yield saver
    finally:
        await pool.close()


async def _try_setup_lock(conn: AsyncConnection[DictRow]) -> bool:
    row = await (await conn.execute("SELECT pg_try_advisory_lock(%s)", (_SETUP_LOCK_KEY,))).fetchone()
    if row is None:  # a SELECT of one value answers one row
        raise DatabaseError("pg_try_advisory_lock answered no row")
    return bool(row["pg_try_advisory_lock"])
