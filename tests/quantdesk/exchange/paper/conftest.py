"""Paper-venue worlds: a fresh database with a bootstrapped exchange, real
signers, and Pyth ticks written by the real tick writer."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

import psycopg
import pytest
from solders.keypair import Keypair

from quantdesk.db import Database
from quantdesk.exchange import PerpIdl, PerpInstructions, build_message
from quantdesk.exchange.paper import PaperExecutor, TxOutcome, bootstrap
from quantdesk.ingest import TickWriter
from quantdesk.market import FeedRegistry, PriceUpdate
from quantdesk.wallet import Signer

T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@dataclass
class Clock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        from datetime import timedelta

        self.now = self.now + timedelta(seconds=seconds)


@dataclass
class PaperWorld:
    db: Database
    executor: PaperExecutor
    ixs: PerpInstructions
    registry: FeedRegistry
    clock: Clock
    admin: Signer
    signers: dict[str, Signer] = field(default_factory=dict)

    def price(self, symbol: str, price: int, *, conf: int | None = None, expo: int = -8, age_s: int = 1) -> None:
        """Publish a Pyth tick (integers at ``expo``) through the real writer."""
        feed = self.registry.get(symbol)
        tick = PriceUpdate(feed_id=feed.feed_id, price=price, conf=conf if conf is not None else price // 10_000,
                           expo=expo, publish_time=int(self.clock().timestamp()) - age_s, source="hermes")

        async def write() -> None:
            async with await psycopg.AsyncConnection.connect(self.db.url) as conn:
                await TickWriter(self.registry).write(conn, [tick])

        # A thread of its own: callers may already be inside an event loop (async tests).
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(asyncio.run, write()).result()

    def send(self, signer: Signer, *instructions) -> TxOutcome:  # noqa: ANN002
        message = build_message(signer.pubkey, list(instructions), self.executor.latest_blockhash().blockhash)
        return self.executor.submit(bytes(signer.sign_transaction(message)))

    def trader(self, name: str, usdc: int = 10_000) -> Signer:
        """A user with a trading account and ``usdc`` paper USDC deposited."""
        signer = Signer(Keypair())
        self.signers[name] = signer
        token = self.executor.faucet(signer.pubkey, usdc * 10**6)
        outcome = self.send(signer, self.ixs.create_user(signer.pubkey),
                            self.ixs.deposit(signer.pubkey, signer.pubkey, token, usdc * 10**6))
        assert outcome.ok, outcome.failure
        return signer

    def price_account(self, symbol: str):  # noqa: ANN201
        from solders.pubkey import Pubkey

        return Pubkey.from_string(self.registry.get(symbol).price_account)


@pytest.fixture
def world(fresh_database: Database) -> PaperWorld:
    registry = FeedRegistry.load()
    clock = Clock()
    idl = PerpIdl.load()
    executor = PaperExecutor(fresh_database.pool, idl, registry, clock)
    admin = Signer(Keypair())
    w = PaperWorld(fresh_database, executor, PerpInstructions(idl), registry, clock, admin)
    w.price("SOL/USD", 150_00000000)
    w.price("BTC/USD", 95_000_00000000)
    w.price("ETH/USD", 3_000_00000000)
    assert bootstrap(executor, admin, registry)
    return w


Factory = Callable[..., PaperWorld]
