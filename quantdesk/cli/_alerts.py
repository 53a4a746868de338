"""`quantdesk alerts`: the alert service (started by `quantdesk run`)."""

from __future__ import annotations

import asyncio
import signal
import sys

import typer

from quantdesk.cli._state import state
from quantdesk.compose import build_alerts
from quantdesk.config import Settings
from quantdesk.db import migrate, open_database
from quantdesk.supervisor import ServiceSpec


def alerts_command(ctx: typer.Context) -> None:
    """Evaluate trader alerts on price events until stopped."""
    st = state(ctx)
    with open_database(st.settings) as db:
        migrate(db)
        service = build_alerts(st.settings, db)
        st.console.print("alert service following price events")

        async def main() -> None:
            task = asyncio.create_task(service)
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, task.cancel)
            try:
                await task
            except asyncio.CancelledError:
                pass  # stopped by a signal: a clean exit

        asyncio.run(main())


def alerts_service(_settings: Settings) -> ServiceSpec:
    return ServiceSpec(name="alerts", argv=[sys.executable, "-m", "quantdesk", "alerts"])
