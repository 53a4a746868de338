"""API workers starting together on a new database: LangGraph's checkpoint tables
are set up once, not raced (a second worker failed its start-up with a duplicate
key in checkpoint_migrations)."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

from agent import open_checkpointer
from quantdesk.db import Database
from tests.interfaces.api.conftest import own_database


async def test_workers_starting_at_once_set_up_the_checkpoints_once(database: Database) -> None:
    with own_database(database) as db:
        async with AsyncExitStack() as stack:
            savers = await asyncio.gather(*(stack.enter_async_context(open_checkpointer(db)) for _ in range(4)))
            assert len(savers) == 4
        with db.pool.connection() as conn:
            versions = [v for (v,) in conn.execute("SELECT v FROM checkpoint_migrations ORDER BY v").fetchall()]
    assert versions == list(range(len(versions))) and versions
