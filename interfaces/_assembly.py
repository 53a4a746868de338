"""The composition root of MIKEY: one function (:func:`open_mikey`) wires database,
prices, venue, tools, model, checkpointer and the ChatSession every interface talks
to, from settings read once by the caller. Its seams are keyword parameters (venue,
prices, model, clock), defaulting to what settings configure, so every interface,
CLI command, eval world and benchmark builds the same MIKEY; a test world that needs
only part of it uses the same pieces (:func:`build_trading`, :func:`trading_tools`).

The core's own services (ingest, keepers, alerts) are composed in
:mod:`quantdesk.compose`, since quantdesk/ never imports agent/, tools/ or interfaces/.
The venue comes from :func:`quantdesk.exchange._venues.open_venue`; nothing here asks
which venue it is, only what it can do."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from langchain_core.language_models import BaseChatModel

from agent import ChatSession, GraphDeps, build_graph, open_checkpointer
from agent.intents import IntentClassifier
from agent.models import provider_chat_model
from interfaces._push import Activity
from knowledge import open_knowledge
from quantdesk.alerts import AlertStore
from quantdesk.audit import AuditLog
from quantdesk.config import Settings
from quantdesk.db import Database, TurnLocks, migrate, open_database
from quantdesk.exchange import TraderWallets, VenueAdapter, open_venue
from quantdesk.ingest import PostgresPrices
from quantdesk.market import FeedRegistry, PriceReader, QualityGate
from quantdesk.risk import RiskLimits, RiskLimitStore
from quantdesk.tickets import TicketStore
from quantdesk.trading import TradingService, UserWallets
from tools import Handler, Toolbox, alert_handlers, build_toolbox, knowledge_handlers, trading_handlers

VenueOpener = Callable[[Settings, Database, TraderWallets], VenueAdapter]
PricesOpener = Callable[[Settings, Database, FeedRegistry], PostgresPrices]
ModelOpener = Callable[[Settings], BaseChatModel | None]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Mikey:
    session: ChatSession
    db: Database
    settings: Settings
    # What an adapter reads besides the conversation (the chat API's /v1/positions,
    # /v1/tickets/…, the web header's account): the same tools the agent reads with,
    # the tickets and the audit trail.
    toolbox: Toolbox
    tickets: TicketStore
    audit: AuditLog
    clock: Callable[[], datetime]
    activity: Activity | None  # what keepers did on a trader's account (paper venue), for surfaces to push


def build_trading(adapter: VenueAdapter, prices: PriceReader, registry: FeedRegistry, tickets: TicketStore,
                  audit: AuditLog, wallets: UserWallets, *, clock: Callable[[], datetime],
                  limits: Callable[[str], RiskLimits]) -> TradingService:
    """The trading service on an opened venue, with the venue's daily PnL and onboarding where it has them."""
    return TradingService(adapter.venue, prices, registry, adapter.instructions, tickets, audit, wallets, clock=clock,
                          limits=limits, daily_pnl=adapter.daily_pnl, onboard=adapter.onboarding)


def trading_tools(trading: TradingService, prices: PriceReader, adapter: VenueAdapter) -> dict[str, Handler]:
    """The account and trading tools, with trade history where the venue keeps one."""
    return trading_handlers(trading, prices, adapter.history)


def postgres_prices(settings: Settings, db: Database, registry: FeedRegistry) -> PostgresPrices:
    """Prices as the ingest service wrote them, through the configured quality gate."""
    return PostgresPrices(db, registry, QualityGate.from_settings(settings))


def configured_model(settings: Settings) -> BaseChatModel | None:
    """The configured LLM; None for ``rules`` (the offline parser answers alone)."""
    return None if settings.mikey_model == "rules" else provider_chat_model(settings)


@asynccontextmanager
async def open_mikey(settings: Settings, *, clock: Callable[[], datetime] = utc_now,
                     venue: VenueOpener = open_venue, prices: PricesOpener = postgres_prices,
                     model: ModelOpener = configured_model) -> AsyncIterator[Mikey]:
    """A ready ChatSession on the configured database (migrated), prices, venue and model."""
    db = open_database(settings)
    try:
        migrate(db)
        registry = FeedRegistry.load()
        reader = prices(settings, db, registry)
        llm = model(settings)
        audit, tickets = AuditLog(db.pool), TicketStore(db.pool)
        wallets = UserWallets(settings)
        adapter = venue(settings, db, wallets)
        try:
            trading = build_trading(adapter, reader, registry, tickets, audit, wallets, clock=clock,
                                    limits=RiskLimitStore(db.pool).get)
            alerts = AlertStore(db.pool)
            kb = open_knowledge(settings, db)
            # explain_event reads keeper actions by the caller's wallet, where the venue records them.
            owner = trading.trader if adapter.keeper_activity is not None else None
            extra = {**trading_tools(trading, reader, adapter), **alert_handlers(alerts),
                     **knowledge_handlers(kb.retriever, kb.explainer, owner)}
            toolbox = build_toolbox(db, reader, extra=extra)
            turn_locks = TurnLocks(db.url, wait_s=settings.thread_turn_wait_s)  # one turn per thread, across processes
            deps = GraphDeps(toolbox=toolbox, tickets=tickets, audit=audit, clock=clock, executor=trading, llm=llm,
                             intents=IntentClassifier(kb.embedder))
            try:
                async with open_checkpointer(db) as saver:
                    session = ChatSession(build_graph(deps, saver), audit, clock, notifications=alerts.take_pending,
                                          turn_lock=turn_locks.hold)
                    activity: Activity | None = adapter.keeper_activity
                    yield Mikey(session, db, settings, toolbox, tickets, audit, clock, activity)
            finally:
                await turn_locks.aclose()
        finally:
            await adapter.aclose()
    finally:
        db.close()
