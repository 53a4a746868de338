"""PostgreSQL access: the embedded or external database, pools, migrations."""

from quantdesk.db._database import Database, open_database
from quantdesk.db._locks import advisory_lock
from quantdesk.db._migrate import (
    AppliedMigration,
    Migration,
    MigrationStatus,
    discover_migrations,
    migrate,
    migration_status,
)

__all__ = [
    "Database",
    "open_database",
    "advisory_lock",
    "Migration",
    "AppliedMigration",
    "MigrationStatus",
    "discover_migrations",
    "migrate",
    "migration_status",
]
