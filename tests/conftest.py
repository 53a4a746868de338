"""Worlds for tests: settings isolated from the developer's environment and one
embedded PostgreSQL (real, via pgserver) shared by the session, migrated."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import psycopg
import pytest
from hypothesis import settings as hypothesis_settings

from quantdesk.config import Settings
from quantdesk.db import Database, migrate, open_database

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


# Property tests draw the same examples on every run and machine (Hypothesis is pinned in
# pyproject.toml): a red CI run is then a defect anyone can reproduce, never a lucky draw. To
# explore new examples locally: HYPOTHESIS_PROFILE=explore make test.
hypothesis_settings.register_profile("repeatable", derandomize=True, database=None)
hypothesis_settings.register_profile("explore", derandomize=False)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


def pytest_configure(config: pytest.Config) -> None:
    # Tests must not pick up a developer's QUANTDESK_* variables or DATABASE_URL.
    for key in list(os.environ):
        if key.startswith("QUANTDESK_") or key in ("DATABASE_URL", "MIKEY_MODEL", "CHAINLIT_AUTH_SECRET",
                                                    "MIKEY_MCP_API_KEY"):
            del os.environ[key]


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    """Settings for a test: no .env file, everything else default unless overridden."""
    return Settings(_env_file=None, data_dir=data_dir, **overrides)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(tmp_path_factory.mktemp("quantdesk-data"))


@pytest.fixture(scope="session")
def database(settings: Settings) -> Iterator[Database]:
    """The session's embedded PostgreSQL, with every migration applied."""
    db = open_database(settings)
    migrate(db)
    try:
        yield db
    finally:
        db.close()


@pytest.fixture
def fresh_database(database: Database) -> Iterator[Database]:
    """A new, migrated database on the session's server, dropped afterwards: for worlds
    that must not see other tests' state (the paper exchange is one per database)."""
    import uuid

    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    name = f"t_{uuid.uuid4().hex[:12]}"
    with database.connect(autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    params = conninfo_to_dict(database.url)
    params["dbname"] = name
    db = Database(kind="external", _url=make_conninfo(**params), pool_max=5)
    migrate(db)
    try:
        yield db
    finally:
        db.close()
        with database.connect(autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')



async def until(predicate: Callable[[], bool], timeout_s: float = 15, what: str = "condition") -> None:
    """Poll `predicate` every 20 ms, yielding to the event loop, until it holds."""
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def until_listening(url: str, channel: str, since: datetime, timeout_s: float = 15) -> None:
    """Wait until a backend started at or after `since` has run `LISTEN channel`: a
    NOTIFY sent before that is lost by design, so a fixed sleep would race the
    listener. `since` keeps other tests' still-open listeners from counting."""
    with psycopg.connect(url, autocommit=True) as conn:
        def listening() -> bool:
            row = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE query = %s AND backend_start >= %s",
                               (f"LISTEN {channel}", since)).fetchone()
            return bool(row and row[0] > 0)

        await until(listening, timeout_s, what=f"a LISTEN on {channel}")


async def write_sol_tick(db: Database, *, ahead_s: int = 0) -> None:
    """One SOL/USD tick at $150 ± $0.05, published now (+ ``ahead_s``), as the ingest service
    writes it: enough for a chat in another process to quote and prepare SOL orders."""
    from quantdesk.ingest import TickWriter
    from quantdesk.market import FeedRegistry, PriceUpdate

    registry = FeedRegistry.load()
    async with await psycopg.AsyncConnection.connect(db.url) as conn:
        await TickWriter(registry).write(conn, [PriceUpdate(
            feed_id=registry.get("SOL/USD").feed_id, price=15_000_000_000, conf=5_000_000, expo=-8,
            publish_time=int(time.time()) + ahead_s, source="hermes")])
