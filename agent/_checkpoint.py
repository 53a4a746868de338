"""LangGraph's Postgres checkpointer on our database: checkpoints (and so tickets
paused at the confirmation gate) survive restarts and are shared by workers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import cast

from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from psycopg import AsyncConnection
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool

from quantdesk.db import POOL_RESILIENCE, Database
from quantdesk.errors import DatabaseError


# Arbitrary constant naming "checkpoint tables set-up" in pg_advisory_lock's key space.
_SETUP_LOCK_KEY = 0x5144_4350_5345_5455


@asynccontextmanager
async def open_checkpointer(db: Database, *, max_size: int = 5) -> AsyncIterator[AsyncPostgresSaver]:
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
        saver = AsyncPostgresSaver(pool)
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
