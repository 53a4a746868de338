"""open_mikey is the one composition root: its seams (venue, prices, model, clock) are
parameters, and the MIKEY it builds trades on and reads through what they gave."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from interfaces import open_mikey, postgres_prices
from quantdesk.config import Settings
from quantdesk.db import Database
from quantdesk.exchange import TraderWallets, VenueAdapter, open_venue
from quantdesk.ingest import PostgresPrices
from quantdesk.market import FeedRegistry
from tests.interfaces.api.conftest import api_settings, own_database
from tools import ToolContext

AT = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


async def test_open_mikey_builds_on_the_seams_it_is_given(database: Database, tmp_path: Path) -> None:
    opened: dict[str, object] = {}

    def venue(settings: Settings, db: Database, wallets: TraderWallets) -> VenueAdapter:
        opened["venue"] = adapter = open_venue(settings, db, wallets)
        return adapter

    def prices(settings: Settings, db: Database, registry: FeedRegistry) -> PostgresPrices:
        opened["prices"] = reader = postgres_prices(settings, db, registry)
        return reader

    def model(settings: Settings) -> None:
        opened["model"] = settings.mikey_model
        return None

    with own_database(database) as db:
        async with open_mikey(api_settings(tmp_path / "data", db), clock=lambda: AT, venue=venue, prices=prices,
                              model=model) as mikey:
            adapter = opened["venue"]
            assert isinstance(adapter, VenueAdapter) and opened["model"] == "rules"
            assert mikey.activity is adapter.keeper_activity  # the surfaces' pushes read the seam's venue
            assert mikey.clock() == AT
            ctx = ToolContext(user_id="alice", thread_id="t-compose", now=AT)
            outcome = await mikey.toolbox.call("get_history", {"period": "7d"}, ctx)
            assert outcome.data["history"] is not None, outcome  # trade history: the seam's venue keeps one
    assert isinstance(opened["prices"], PostgresPrices)

