"""The composition root of the core's services: ingest, keepers and alerts, each built
from settings with its seams (price source, registry, clock, venue wallets) as keyword
parameters, so the CLI, tests and benchmarks build them the same way.

MIKEY itself (graph, tools, model, ChatSession) is composed one layer up, in
``interfaces._assembly`` (``open_mikey``): the core never imports agent/, tools/ or
interfaces/. Both pick the venue through :func:`quantdesk.exchange._venues.venue_kind`,
the only place a venue name is read.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from quantdesk.config import Settings
from quantdesk.db import Database
from quantdesk.exchange import TraderWallets, venue_kind
from quantdesk.market import FeedRegistry, PriceEvent, PriceSource, make_source

if TYPE_CHECKING:
    from quantdesk.exchange.paper import Keeper, PaperVenueParts
    from quantdesk.ingest import IngestService


def build_ingest(settings: Settings, conninfo: str, *, registry: FeedRegistry | None = None,
                 source: PriceSource | None = None, clock: Callable[[], float] = time.time,
                 serve_http: bool = True) -> IngestService:
    """The ingest service on ``conninfo``; the source is the configured one unless given."""
    from quantdesk.ingest import IngestService

    registry = registry or FeedRegistry.load()
    source = source if source is not None else make_source(settings, registry)
    return IngestService(settings, conninfo=conninfo, registry=registry, source=source, clock=clock,
                         serve_http=serve_http)


def build_keeper(parts: PaperVenueParts) -> Keeper:
    """The keepers (funding, triggers, liquidations) of an in-process venue, signing as its keeper."""
    from quantdesk.exchange.paper import Keeper

    return Keeper(parts.executor, parts.keeper, parts.registry)


def build_alerts(settings: Settings, db: Database, *, wallets: TraderWallets | None = None,
                 events: AsyncIterator[PriceEvent] | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> Coroutine[Any, Any, None]:
    """The alert service's run (await it): trader alerts evaluated on every price event,
    with what the venue can tell about liquidation prices and fills."""
    from quantdesk.alerts import AlertStore, run_alerts
    from quantdesk.ingest import listen_price_events

    if wallets is None:
        from quantdesk.trading import UserWallets

        wallets = UserWallets(settings)
    feeds = venue_kind(settings.venue).alert_feeds(settings, db, wallets)
    events = events if events is not None else listen_price_events(db.url, FeedRegistry.load())
    return run_alerts(events, AlertStore(db.pool), liquidation_price=feeds.liquidation_price, fills=feeds.fills,
                      clock=clock)
