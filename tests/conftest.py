"""Worlds for tests: settings isolated from the developer's environment and one
embedded PostgreSQL (real, via pgserver) shared by the session, migrated."""

from __future__ import annotations

import os
from collections.abc import Iterator
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
