"""Wiring one MIKEY for a process: database, prices, tools, model, checkpointer,
and the ChatSession every interface talks to. Settings are passed in, read once
by the caller."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from agent import ChatSession, GraphDeps, build_graph
from agent._checkpoint import open_checkpointer
from agent.models import provider_chat_model
from quantdesk.audit import AuditLog
from quantdesk.config import Settings
from quantdesk.db import Database, migrate, open_database
from quantdesk.ingest import PostgresPrices
from quantdesk.market import FeedRegistry, QualityGate
from quantdesk.tickets import TicketStore
from tools import build_toolbox


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Mikey:
    session: ChatSession
    db: Database
    settings: Settings


@asynccontextmanager
async def open_mikey(settings: Settings, *, clock: Callable[[], datetime] = utc_now) -> AsyncIterator[Mikey]:
    """A ready ChatSession on the configured database (migrated), prices and model."""
    db = open_database(settings)
    try:
        migrate(db)
        prices = PostgresPrices(db, FeedRegistry.load(), QualityGate.from_settings(settings))
        llm = None if settings.mikey_model == "rules" else provider_chat_model(settings)
        audit = AuditLog(db.pool)
        deps = GraphDeps(toolbox=build_toolbox(db, prices), tickets=TicketStore(db.pool), audit=audit, clock=clock,
                         llm=llm)
        async with open_checkpointer(db) as saver:
            yield Mikey(ChatSession(build_graph(deps, saver), audit, clock), db, settings)
    finally:
        db.close()
