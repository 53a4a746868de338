"""The database: embedded start, migrations (idempotent, atomic, guarded),
restart with data kept, and the external-URL path against a second server."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from quantdesk.db import (
    Database,
    Migration,
    discover_migrations,
    migrate,
    migration_status,
    open_database,
    read_postmaster,
)
from quantdesk.errors import DatabaseError, MigrationError
from tests.conftest import make_settings


def test_embedded_database_is_up_with_pgvector(database: Database) -> None:
    assert database.kind == "embedded"
    with database.pool.connection() as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
        vec = conn.execute("SELECT '[1,2,3]'::vector <-> '[1,2,4]'::vector").fetchone()
    assert vec == (1.0,)


def test_migrations_are_recorded_and_idempotent(database: Database) -> None:
    known = discover_migrations()
    assert known and known[0].label == "0001_init"
    assert migrate(database) == []
    assert migrate(database) == []
    status = migration_status(database)
    assert [m.version for m in status.applied] == [m.version for m in known]
    assert status.pending == []
    with database.pool.connection() as conn:
        assert conn.execute("SELECT count(*) FROM schema_migrations").fetchone() == (len(known),)


def test_a_failing_migration_rolls_back_entirely_and_is_not_recorded(database: Database) -> None:
    broken = Migration(9001, "broken", "CREATE TABLE t9001 (x int); SELECT no_such_column FROM t9001;")
    with pytest.raises(MigrationError, match="9001_broken failed and was rolled back"):
        migrate(database, [*discover_migrations(), broken])
    with database.pool.connection() as conn:
        assert conn.execute("SELECT to_regclass('t9001')").fetchone() == (None,)
        assert conn.execute("SELECT count(*) FROM schema_migrations WHERE version = 9001").fetchone() == (0,)


def test_an_applied_migration_that_was_edited_is_refused(database: Database) -> None:
    first = discover_migrations()[0]
    edited = Migration(first.version, first.name, first.sql + "\n-- edited\n")
    with pytest.raises(MigrationError, match="was edited after it was applied"):
        migrate(database, [edited])
    with pytest.raises(MigrationError, match="was edited after it was applied"):
        migration_status(database, [edited])


def _run_py(code: str, data_dir: Path) -> str:
    env = {"PATH": "/usr/bin:/bin", "QUANTDESK_DATA_DIR": str(data_dir), "HOME": str(data_dir)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def _postmaster_running(pgdata: Path) -> bool:
    info = read_postmaster(pgdata)
    return info is not None and info.is_running()


def test_embedded_database_restarts_with_its_data(tmp_path: Path) -> None:
    write = (
        "from quantdesk.config import load_settings\n"
        "from quantdesk.db import open_database, migrate\n"
        "with open_database(load_settings()) as db:\n"
        "    migrate(db)\n"
        "    with db.pool.connection() as c:\n"
        "        c.execute(\"INSERT INTO installation (key, value) VALUES ('probe', 'kept')\")\n"
    )
    read = (
        "from quantdesk.config import load_settings\n"
        "from quantdesk.db import open_database\n"
        "with open_database(load_settings()) as db:\n"
        "    print(db.embedded.was_running)\n"
        "    with db.pool.connection() as c:\n"
        "        print(c.execute(\"SELECT value FROM installation WHERE key = 'probe'\").fetchone()[0])\n"
    )
    _run_py(write, tmp_path)
    assert not _postmaster_running(tmp_path / "pg"), "the last process to exit stops the server"
    assert _run_py(read, tmp_path).splitlines() == ["False", "kept"]


@pytest.fixture
def external_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second PostgreSQL, started independently of our code; tests reach it only by its URL."""
    import pgserver

    server = pgserver.get_server(tmp_path_factory.mktemp("external-pg"), cleanup_mode="delete")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()


def test_external_database_by_url_gets_the_same_migrations(external_url: str, tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", database_url=external_url)
    with open_database(settings) as db:
        assert db.kind == "external"
        applied = migrate(db)
        assert [m.label for m in applied] == [m.label for m in discover_migrations()]
        assert migrate(db) == []
        with db.pool.connection() as conn:
            assert conn.execute("SELECT extname FROM pg_extension WHERE extname = 'vector'").fetchone() == ("vector",)
    assert not (tmp_path / "data" / "pg").exists(), "no embedded server is started when a URL is given"


def test_concurrent_migrators_apply_each_migration_once(external_url: str, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, database_url=external_url)
    results: list[list[Migration]] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with open_database(settings) as db:
                results.append(migrate(db))
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(len(r) for r in results) == [0, 0, 0, len(discover_migrations())]


def test_unreachable_external_database_is_a_clear_error(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, database_url="postgresql://mikey:pw-hidden@127.0.0.1:9/nowhere")
    with pytest.raises(DatabaseError) as err:
        open_database(settings)
    assert "cannot reach the database at postgresql://mikey:***@127.0.0.1:9/nowhere" in str(err.value)
    assert "pw-hidden" not in str(err.value)
