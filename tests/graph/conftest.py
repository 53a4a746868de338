"""Worlds for graph tests: a price book with real-shaped Pyth prices, the real
checkpointer on the session database, and a ChatSession over them."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from agent import ChatEvent, ChatSession, GraphDeps, build_graph
from agent._checkpoint import open_checkpointer
from quantdesk.audit import AuditLog
from quantdesk.db import Database
from quantdesk.market import FeedRegistry, PriceBook, PriceUpdate, QualityGate
from quantdesk.tickets import TicketStore
from tools import Toolbox
from tools._market import get_price

NOW = 1_790_000_000  # a fixed Unix time for the price book's clock


@pytest.fixture
def book() -> PriceBook:
    registry = FeedRegistry.load()
    book = PriceBook(registry, QualityGate(max_age_s=60, max_conf_ratio=Decimal("0.01")), clock=lambda: NOW)
    sol = registry.get("SOL/USD")
    book.update(PriceUpdate(feed_id=sol.feed_id, price=15012345678, conf=7512345, expo=-8, publish_time=NOW - 3,
                            ema_price=14990000000, ema_conf=8000000, source="hermes"))
    btc = registry.get("BTC/USD")
    book.update(PriceUpdate(feed_id=btc.feed_id, price=9500000000000, conf=4000000000, expo=-8,
                            publish_time=NOW - 600, source="hermes"))
    return book


@pytest.fixture
def clock() -> Callable[[], datetime]:
    return lambda: datetime.fromtimestamp(time.time(), UTC)


@pytest.fixture
async def read_only_session(database: Database, book: PriceBook,
                            clock: Callable[[], datetime]) -> AsyncIterator[ChatSession]:
    audit = AuditLog(database.pool)
    deps = GraphDeps(toolbox=Toolbox({"get_price": get_price(book)}), tickets=TicketStore(database.pool),
                     audit=audit, clock=clock)
    async with open_checkpointer(database) as saver:
        yield ChatSession(build_graph(deps, saver), audit, clock)


async def collect(events: AsyncIterator[ChatEvent]) -> list[ChatEvent]:
    return [e async for e in events]
