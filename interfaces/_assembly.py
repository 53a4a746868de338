"""Wiring one MIKEY for a process: database, prices, tools, model, checkpointer,
and the ChatSession every interface talks to. Settings are passed in, read once
by the caller."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial
from dataclasses import dataclass
from datetime import UTC, datetime

from agent import ChatSession, GraphDeps, build_graph
from agent.intents import IntentClassifier
from agent import open_checkpointer
from interfaces._push import Activity
from agent.models import provider_chat_model
from quantdesk.alerts import AlertStore
from quantdesk.audit import AuditLog
from quantdesk.config import Settings
from quantdesk.db import Database, TurnLocks, migrate, open_database
from quantdesk.ingest import PostgresPrices
from quantdesk.market import FeedRegistry, QualityGate
from quantdesk.tickets import TicketStore
from quantdesk.exchange import PerpIdl, PerpInstructions
from quantdesk.exchange.solana import SolanaVenue, idl_for_program
from quantdesk.exchange import PaperVenue
from quantdesk.exchange.paper import (
    Cursor,
    KeeperAction,
    daily_pnl,
    keeper_actions,
    open_paper,
    paper_onboarding,
    read_history,
)
from quantdesk.risk import RiskLimitStore
from quantdesk.trading import TradingService, UserWallets
from knowledge import open_knowledge
from tools import Toolbox, alert_handlers, build_toolbox, knowledge_handlers, trading_handlers


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


def _trading(settings: Settings, db: Database, prices: PostgresPrices, registry: FeedRegistry,
             tickets: TicketStore, audit: AuditLog, clock: Callable[[], datetime]) -> TradingService:
    """The trading service for the configured venue: the paper executor, or a cluster over RPC."""
    wallets, limits = UserWallets(settings), RiskLimitStore(db.pool).get
    budget = {"compute_unit_limit": settings.solana_compute_unit_limit,
              "priority_fee_micro_lamports": settings.solana_priority_fee_micro_lamports}
    if settings.venue == "paper":
        parts = open_paper(settings, db)
        return TradingService(PaperVenue(parts.executor, **budget), prices, registry,
                              PerpInstructions(parts.executor.idl), tickets, audit, wallets, clock=clock,
                              limits=limits, daily_pnl=partial(daily_pnl, db.pool), onboard=paper_onboarding(parts))
    idl = idl_for_program(PerpIdl.load(), settings.solana_program_id)
    operator, _ = wallets.signer_for("operator")  # the configured wallet (QUANTDESK_WALLET_PATH)
    venue = SolanaVenue(settings.solana_rpc_url, idl, commitment=settings.solana_commitment,
                        deadline_s=settings.solana_confirm_deadline_s, poll_s=settings.solana_poll_interval_s,
                        resend_s=settings.solana_resend_interval_s, rpc_timeout_s=settings.solana_rpc_timeout_s,
                        owners=[operator.pubkey], **budget)
    return TradingService(venue, prices, registry, PerpInstructions(idl), tickets, audit, wallets, clock=clock,
                          limits=limits)


def _activity(settings: Settings, db: Database) -> Activity | None:
    """The paper keepers' fills and liquidations on a trader's account (no such record on a cluster yet)."""
    if settings.venue != "paper":
        return None
    wallets = UserWallets(settings)

    def actions(user_id: str, after: Cursor) -> list[KeeperAction]:
        signer = wallets.existing(user_id)  # no wallet yet: nothing can have happened to it
        return [] if signer is None else keeper_actions(db.pool, signer.pubkey, after)

    return actions


@asynccontextmanager
async def open_mikey(settings: Settings, *, clock: Callable[[], datetime] = utc_now) -> AsyncIterator[Mikey]:
    """A ready ChatSession on the configured database (migrated), prices and model."""
    db = open_database(settings)
    try:
        migrate(db)
        registry = FeedRegistry.load()
        prices = PostgresPrices(db, registry, QualityGate.from_settings(settings))
        llm = None if settings.mikey_model == "rules" else provider_chat_model(settings)
        audit, tickets = AuditLog(db.pool), TicketStore(db.pool)
        trading = _trading(settings, db, prices, registry, tickets, audit, clock)
        history = partial(read_history, db.pool) if settings.venue == "paper" else None
        alerts = AlertStore(db.pool)
        kb = open_knowledge(settings, db)
        extra = {**trading_handlers(trading, prices, history), **alert_handlers(alerts),
                 **knowledge_handlers(kb.retriever, kb.explainer, trading.trader if settings.venue == "paper" else None)}
        toolbox = build_toolbox(db, prices, extra=extra)
        turn_locks = TurnLocks(db.url, wait_s=settings.thread_turn_wait_s)  # one turn per thread, across processes
        deps = GraphDeps(toolbox=toolbox, tickets=tickets, audit=audit, clock=clock, executor=trading, llm=llm,
                         intents=IntentClassifier(kb.embedder))
        try:
            async with open_checkpointer(db) as saver:
                session = ChatSession(build_graph(deps, saver), audit, clock, notifications=alerts.take_pending,
                                      turn_lock=turn_locks.hold)
                yield Mikey(session, db, settings, toolbox, tickets, audit, clock, _activity(settings, db))
        finally:
            await turn_locks.aclose()
            await trading.aclose()
    finally:
        db.close()
