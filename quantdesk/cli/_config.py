"""`quantdesk config show`."""

from __future__ import annotations

import typer
from rich.table import Table

from quantdesk.cli._state import state

config_app = typer.Typer(help="Inspect configuration.", no_args_is_help=True)


@config_app.command("show")
def config_show(ctx: typer.Context) -> None:
    """Every setting in effect; secrets are masked."""
    st = state(ctx)
    table = Table(title="settings (env prefix QUANTDESK_)")
    table.add_column("setting")
    table.add_column("value")
    for name, value in st.settings.display().items():
        table.add_row(name, value)
    st.console.print(table)
