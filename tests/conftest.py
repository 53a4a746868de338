"""Worlds for tests: settings isolated from the developer's environment and one
embedded PostgreSQL (real, via pgserver) shared by the session, migrated."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from quantdesk.config import Settings
from quantdesk.db import Database, migrate, open_database

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


def pytest_configure(config: pytest.Config) -> None:
    # Tests must not pick up a developer's QUANTDESK_* variables or DATABASE_URL.
    for key in list(os.environ):
        if key.startswith("QUANTDESK_") or key in ("DATABASE_URL", "MIKEY_MODEL"):
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


async def until_listening(url: str, channel: str, since: datetime, timeout_s: float = 15) -> None:
    """Wait until a backend started at or after `since` has run `LISTEN channel`: a
    NOTIFY sent before that is lost by design, so a fixed sleep would race the
    listener. `since` keeps other tests' still-open listeners from counting."""
    import asyncio
    import time

    import psycopg

    deadline = time.monotonic() + timeout_s
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        while True:
            cur = await conn.execute("SELECT count(*) FROM pg_stat_activity WHERE query = %s "
                                     "AND backend_start >= %s", (f"LISTEN {channel}", since))
            row = await cur.fetchone()
            if row and row[0] > 0:
                return
            assert time.monotonic() < deadline, f"nobody LISTENs on {channel}"
            await asyncio.sleep(0.02)
