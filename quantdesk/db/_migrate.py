"""Versioned SQL migrations.

Files ``quantdesk/db/migrations/NNNN_name.sql`` are applied in version order,
each in its own transaction, and recorded in ``schema_migrations`` with a
checksum. Running again applies only what is pending (idempotent); an applied
file whose text changed is an error, never silently re-run. A Postgres advisory
lock serialises concurrent migrators (two processes starting at once).

Hand-written rather than Alembic/yoyo: the schema is plain SQL by design and
this is the whole mechanism (discover, lock, apply, record); a migration
framework would add an ORM-shaped dependency for no extra guarantee.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from importlib import resources

import psycopg

from quantdesk.db._database import Database
from quantdesk.errors import MigrationError

_FILE_RE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
# Arbitrary constant naming "quantdesk migrations" in pg_advisory_lock's key space.
_LOCK_KEY = 0x5144_4D49_4752


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()

    @property
    def label(self) -> str:
        return f"{self.version:04d}_{self.name}"


@dataclass(frozen=True)
class AppliedMigration:
    version: int
    name: str
    checksum: str
    applied_at: datetime


@dataclass(frozen=True)
class MigrationStatus:
    applied: list[AppliedMigration]
    pending: list[Migration]


def discover_migrations() -> list[Migration]:
    """All migration files shipped with the package, in version order."""
    folder = resources.files("quantdesk.db").joinpath("migrations")
    found: dict[int, Migration] = {}
    for entry in folder.iterdir():
        match = _FILE_RE.match(entry.name)
        if not match:
            continue
        version = int(match.group(1))
        if version in found:
            raise MigrationError(f"two migrations share version {version:04d}: {found[version].name}, {entry.name}")
        found[version] = Migration(version, match.group(2), entry.read_text(encoding="utf-8"))
    return [found[v] for v in sorted(found)]


_CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""


def _applied(conn: psycopg.Connection) -> dict[int, AppliedMigration]:
    exists = conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        return {}
    rows = conn.execute("SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version").fetchall()
    return {r[0]: AppliedMigration(*r) for r in rows}


def _check_unchanged(known: list[Migration], applied: dict[int, AppliedMigration]) -> None:
    by_version = {m.version: m for m in known}
    for version, row in applied.items():
        current = by_version.get(version)
        if current is not None and current.checksum != row.checksum:
            raise MigrationError(
                f"migration {current.label} was edited after it was applied "
                f"(applied {row.checksum[:12]}, file {current.checksum[:12]}); "
                "restore the file and put the change in a new migration"
            )


def migration_status(db: Database, migrations: list[Migration] | None = None) -> MigrationStatus:
    """What is applied and what is pending, without changing anything."""
    known = discover_migrations() if migrations is None else migrations
    with db.connect(autocommit=True) as conn:
        applied = _applied(conn)
    _check_unchanged(known, applied)
    pending = [m for m in known if m.version not in applied]
    return MigrationStatus(applied=list(applied.values()), pending=pending)


def migrate(db: Database, migrations: list[Migration] | None = None) -> list[Migration]:
    """Apply every pending migration, each in its own transaction. Returns those applied now."""
    known = discover_migrations() if migrations is None else migrations
    done: list[Migration] = []
    with db.connect(autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (_LOCK_KEY,))
        try:
            conn.execute(_CREATE_TABLE)
            applied = _applied(conn)
            _check_unchanged(known, applied)
            for migration in known:
                if migration.version in applied:
                    continue
                try:
                    with conn.transaction():
                        conn.execute(migration.sql.encode())  # bytes: run the file as one multi-statement script
                        conn.execute(
                            "INSERT INTO schema_migrations (version, name, checksum) VALUES (%s, %s, %s)",
                            (migration.version, migration.name, migration.checksum),
                        )
                except psycopg.Error as exc:
                    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                    raise MigrationError(f"migration {migration.label} failed and was rolled back: {first}") from exc
                done.append(migration)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_KEY,))
    return done
