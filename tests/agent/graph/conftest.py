"""Worlds for graph tests: a price book with real-shaped Pyth prices, the real
checkpointer on the session database, and a ChatSession over them."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from solders.keypair import Keypair

from agent import ChatEvent, ChatSession, GraphDeps, build_graph, open_checkpointer
from interfaces import build_trading, trading_tools
from quantdesk.audit import AuditLog
from quantdesk.config import Settings
from quantdesk.db import Database
from quantdesk.exchange import PerpIdl, PerpInstructions
from quantdesk.exchange.paper import PaperExecutor, PaperVenueParts, bootstrap, paper_adapter
from quantdesk.ingest import PostgresPrices
from quantdesk.market import FeedRegistry, PriceBook, PriceUpdate, QualityGate
from quantdesk.risk import RiskLimitStore
from quantdesk.tickets import TicketStore
from quantdesk.trading import UserWallets
from quantdesk.wallet import Signer
from tests.conftest import make_settings
from tests.quantdesk.exchange.paper.conftest import Clock, PaperWorld
from tools import Toolbox, build_toolbox, get_price

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


def last_ticket(events: list[ChatEvent]) -> dict:
    """The last ticket a turn's events showed (the turn must have shown one)."""
    tickets = [e.data["ticket"] for e in events if e.type == "ticket"]
    assert tickets, [e.to_json() for e in events]
    return tickets[-1]


# --- the trade world: paper venue + trading service + graph ----------------------
class TradeWorld:
    limits: RiskLimitStore
    deps: GraphDeps

    def __init__(self, session: ChatSession, paper: PaperWorld, tickets: TicketStore, audit: AuditLog) -> None:
        self.session, self.paper, self.tickets, self.audit = session, paper, tickets, audit


@pytest.fixture
async def trade(fresh_database: Database, tmp_path) -> AsyncIterator[TradeWorld]:  # noqa: ANN001
    registry = FeedRegistry.load()
    clock = Clock()
    idl = PerpIdl.load()
    executor = PaperExecutor(fresh_database.pool, idl, registry, clock)
    paper = PaperWorld(fresh_database, executor, PerpInstructions(idl), registry, clock, Signer(Keypair()))
    paper.price("SOL/USD", 150_00000000)
    paper.price("BTC/USD", 95_000_00000000)
    bootstrap(executor, paper.admin, registry)
    settings: Settings = make_settings(tmp_path / "data")
    gate = QualityGate(max_age_s=30, max_conf_ratio=settings.price_max_conf_ratio)
    prices = PostgresPrices(fresh_database, registry, gate, clock=lambda: clock().timestamp())
    audit, tickets = AuditLog(fresh_database.pool), TicketStore(fresh_database.pool)
    # The paper venue as MIKEY opens it, over this world's executor (its clock) and admin.
    wallets = UserWallets(settings)
    venue = paper_adapter(PaperVenueParts(executor, registry, paper.admin, Signer(Keypair())), fresh_database, wallets)
    limits = RiskLimitStore(fresh_database.pool)
    trading = build_trading(venue, prices, registry, tickets, audit, wallets, clock=clock, limits=limits.get)
    toolbox = build_toolbox(fresh_database, prices, extra=trading_tools(trading, prices, venue))
    deps = GraphDeps(toolbox=toolbox, tickets=tickets, audit=audit, clock=clock, executor=trading)
    async with open_checkpointer(fresh_database) as saver:
        world = TradeWorld(ChatSession(build_graph(deps, saver), audit, clock), paper, tickets, audit)
        world.limits = limits
        world.deps = deps
        yield world


