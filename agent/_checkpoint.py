"""LangGraph's Postgres checkpointer on our database: checkpoints (and so tickets
paused at the confirmation gate) survive restarts and are shared by workers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from quantdesk.db import POOL_RESILIENCE, Database


@asynccontextmanager
async def open_checkpointer(db: Database, *, max_size: int = 5) -> AsyncIterator[AsyncPostgresSaver]:
    """A ready checkpointer (its tables created by LangGraph's own ``setup``)."""
    # The saver needs autocommit, dict rows and no server-side prepared statements.
    # Checked and reconnecting like the database's own pools, so a database restart
    # costs the chat one failed turn at most, never the process.
    pool = AsyncConnectionPool(db.url, min_size=1, max_size=max_size, open=False, name="checkpoints",
                               kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row},
                               check=AsyncConnectionPool.check_connection, **POOL_RESILIENCE)
    await pool.open()
    try:
        saver = AsyncPostgresSaver(pool)  # type: ignore[arg-type]
        await saver.setup()
        yield saver
    finally:
        await pool.close()
