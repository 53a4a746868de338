"""`quantdesk db status|migrate`."""

from __future__ import annotations

import typer
from rich.table import Table

from quantdesk.cli._state import state
from quantdesk.db import migrate, migration_status, open_database
from quantdesk.errors import DatabaseError

db_app = typer.Typer(help="Database status and migrations.", no_args_is_help=True)


@db_app.command("status")
def db_status(ctx: typer.Context) -> None:
    """Which database is in use, whether it is up, and which migrations are applied."""
    st = state(ctx)
    with open_database(st.settings) as db:
        with db.connect(autocommit=True) as conn:
            shown = conn.execute("SHOW server_version").fetchone()
            if shown is None:  # SHOW always answers one row
                raise DatabaseError("the database did not answer SHOW server_version")
            version = shown[0]
            row = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'").fetchone()
        status = migration_status(db)
        if db.kind == "embedded":
            assert db.embedded is not None
            running = "running" if db.embedded.was_running else "started for this command"
            where = f"embedded PostgreSQL {version} ({running}) in {db.embedded.pgdata}"
        else:
            where = f"external PostgreSQL {version} at {db.display_url}"
        st.console.print(f"[bold]database[/]: {where}")
        st.console.print(f"[bold]pgvector[/]: {row[0] if row else 'not installed (run `quantdesk db migrate`)'}")
        table = Table(title="migrations")
        table.add_column("version", justify="right")
        table.add_column("name")
        table.add_column("state")
        table.add_column("applied at")
        for m in status.applied:
            table.add_row(f"{m.version:04d}", m.name, "[green]applied[/]", m.applied_at.isoformat(timespec="seconds"))
        for p in status.pending:
            table.add_row(f"{p.version:04d}", p.name, "[yellow]pending[/]", "")
        st.console.print(table)
        st.console.print(f"{len(status.applied)} applied, {len(status.pending)} pending")


@db_app.command("migrate")
def db_migrate(ctx: typer.Context) -> None:
    """Apply pending migrations (safe to run any number of times)."""
    st = state(ctx)
    with open_database(st.settings) as db:
        applied = migrate(db)
    if applied:
        for m in applied:
            st.console.print(f"applied {m.label}")
    else:
        st.console.print("database is up to date")
