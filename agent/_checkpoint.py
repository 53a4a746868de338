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

from typing import Any

from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from psycopg.errors import DeadlockDetected, SerializationFailure
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from agent._transcript import Transcript
from quantdesk.db import POOL_RESILIENCE, Database
from quantdesk.logs import get_logger

log = get_logger(__name__)


# Arbitrary constant naming "checkpoint tables set-up" in pg_advisory_lock's key space.
_SETUP_LOCK_KEY = 0x5144_4350_5345_5455


class ThreadSaver(AsyncPostgresSaver):
    """The checkpointer, plus the transcript on its pool and the pruning of superseded checkpoints."""

    def __init__(self, pool: AsyncConnectionPool[Any]) -> None:
        super().__init__(pool)  # type: ignore[arg-type]
        self.transcript = Transcript(pool)

    async def keep_latest(self, thread_id: str) -> None:
        """Delete the thread's checkpoints but its latest (with their writes and the blobs only they used):
        a resumed thread reads the latest alone, so storage stays the size of one state, not of the thread."""
        try:
            await self.aprune([thread_id], strategy="keep_latest")
        except (SerializationFailure, DeadlockDetected) as exc:
            # Something else changed the thread meanwhile (another process's read-modify of it):
            # nothing is lost, the next turn's pruning takes these checkpoints too.
            log.info("checkpoint.prune_deferred", thread_id=thread_id, error=type(exc).__name__)


@asynccontextmanager
async def open_checkpointer(db: Database, *, max_size: int = 5) -> AsyncIterator[ThreadSaver]:
    """A ready checkpointer (its tables created by LangGraph's own ``setup``)."""
    # The saver needs autocommit, dict rows and no server-side prepared statements.
    # Checked and reconnecting like the database's own pools, so a database restart
    # costs the chat one failed turn at most, never the process.
    pool = AsyncConnectionPool(db.url, min_size=1, max_size=max_size, open=False, name="checkpoints",
                               kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row},
                               check=AsyncConnectionPool.check_connection, **POOL_RESILIENCE)
    await pool.open()
    try:
        saver = ThreadSaver(pool)
        # setup() is check-then-create (read the last applied version, run the rest): workers
        # starting together on a new database would both create the tables and one fail on a
        # duplicate key, so they take turns. Polled with pg_try_advisory_lock, not waited for
        # with pg_advisory_lock: a waiting statement holds a snapshot, and setup's CREATE INDEX
        # CONCURRENTLY waits for every snapshot to go, so the two would wait on each other.
        async with pool.connection() as conn:
            while not (await (await conn.execute("SELECT pg_try_advisory_lock(%s)",
                                                 (_SETUP_LOCK_KEY,))).fetchone())["pg_try_advisory_lock"]:
                await asyncio.sleep(0.05)
            try:
                await saver.setup()
            finally:
                await conn.execute("SELECT pg_advisory_unlock(%s)", (_SETUP_LOCK_KEY,))
        yield saver
    finally:
        await pool.close()
