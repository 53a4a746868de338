"""`quantdesk alerts`: the alert service (started by `quantdesk run`)."""

from __future__ import annotations

import asyncio
import signal
import sys

import typer

from quantdesk.alerts import AlertStore, paper_fill_lookup, paper_liquidation_lookup, run_alerts
from quantdesk.cli._state import state
from quantdesk.config import Settings
from quantdesk.db import migrate, open_database
from quantdesk.ingest import listen_price_events
from quantdesk.market import FeedRegistry
from quantdesk.supervisor import ServiceSpec


def alerts_command(ctx: typer.Context) -> None:
    """Evaluate trader alerts on price events until stopped."""
    st = state(ctx)
    with open_database(st.settings) as db:
        migrate(db)
        lookup = fills = None
        if st.settings.venue == "paper":
            from quantdesk.exchange.paper import open_paper
            from quantdesk.trading import UserWallets

            parts, wallets = open_paper(st.settings, db), UserWallets(st.settings)
            def owner_of(user: str) -> bytes:
                return bytes(wallets.signer_for(user)[0].pubkey)

            lookup = paper_liquidation_lookup(parts.executor.state, owner_of)
            fills = paper_fill_lookup(db.pool, owner_of)
        st.console.print("alert service following price events")

        async def main() -> None:
            task = asyncio.create_task(run_alerts(listen_price_events(db.url, FeedRegistry.load()),
                                                  AlertStore(db.pool), liquidation_price=lookup, fills=fills))
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
