"""PostgreSQL access: the embedded or external database, pools, migrations."""

from quantdesk.db._database import POOL_RESILIENCE, Database, open_database
from quantdesk.db._embedded import read_postmaster
from quantdesk.db._locks import advisory_lock
from quantdesk.db._migrate import (
    AppliedMigration,
    Migration,
    MigrationStatus,
    discover_migrations,
    migrate,
    migration_status,
)
from quantdesk.db._turns import ThreadBusy, TurnLocks
from quantdesk.db._unavailable import DatabaseUnavailable, is_unavailable

__all__ = [
    "Database",
    "open_database",
    "POOL_RESILIENCE",
    "DatabaseUnavailable",
    "is_unavailable",
    "read_postmaster",
    "advisory_lock",
    "ThreadBusy",
    "TurnLocks",
    "Migration",
    "AppliedMigration",
    "MigrationStatus",
    "discover_migrations",
    "migrate",
    "migration_status",
]
