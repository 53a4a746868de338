"""Solana-venue worlds: the paper world (fresh database, bootstrapped exchange, Pyth
ticks) behind the JSON-RPC double on 127.0.0.1, and helpers that build, sign and
send transactions through a SolanaVenue the way the execute node does."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest
from solders.instruction import Instruction
from solders.keypair import Keypair

from quantdesk.db import Database
from quantdesk.exchange import OrderParams, PerpIdl, PerpInstructions, VenueResult, build_message
from quantdesk.exchange.paper import PaperExecutor, bootstrap
from quantdesk.exchange.solana import SolanaVenue
from quantdesk.market import FeedRegistry
from quantdesk.wallet import Signer
from tests.doubles.loopback import serve
from tests.doubles.solana_rpc import SolanaRpcDouble
from tests.quantdesk.exchange.paper.conftest import Clock, PaperWorld

SOL = 0
# Fast enough for the suite, slow enough that a poll or two happens.
TEST_VENUE = {"deadline_s": 5.0, "poll_s": 0.02, "resend_s": 0.25, "rpc_timeout_s": 5.0}


@dataclass
class SolanaWorld:
    paper: PaperWorld
    double: SolanaRpcDouble
    url: str

    @property
    def ixs(self) -> PerpInstructions:
        return self.paper.ixs

    @property
    def executor(self) -> PaperExecutor:
        return self.paper.executor

    def venue(self, **overrides: object) -> SolanaVenue:
        return SolanaVenue(self.url, self.executor.idl, **{**TEST_VENUE, **overrides})  # type: ignore[arg-type]

    @asynccontextmanager
    async def open_venue(self, **overrides: object) -> AsyncIterator[SolanaVenue]:
        venue = self.venue(**overrides)
        try:
            yield venue
        finally:
            await venue.close()

    def price_account(self, symbol: str = "SOL/USD"):  # noqa: ANN201
        return self.paper.price_account(symbol)


@pytest.fixture
def solana_world(fresh_database: Database) -> Iterator[SolanaWorld]:
    registry = FeedRegistry.load()
    clock = Clock()
    idl = PerpIdl.load()
    executor = PaperExecutor(fresh_database.pool, idl, registry, clock)
    admin = Signer(Keypair())
    paper = PaperWorld(fresh_database, executor, PerpInstructions(idl), registry, clock, admin)
    paper.price("SOL/USD", 150_00000000)
    paper.price("BTC/USD", 95_000_00000000)
    paper.price("ETH/USD", 3_000_00000000)
    assert bootstrap(executor, admin, registry)
    double = SolanaRpcDouble(executor, clock)
    with serve(double) as url:
        yield SolanaWorld(paper, double, url)


async def sign(venue: SolanaVenue, signer: Signer, *instructions: Instruction, budget: bool = True) -> bytes:
    """The signed transaction bytes, built on the venue's latest blockhash (with its compute budget)."""
    body = venue.with_compute_budget(instructions) if budget else list(instructions)
    blockhash = (await venue.latest_blockhash()).blockhash
    return bytes(signer.sign_transaction(build_message(signer.pubkey, body, blockhash)))


async def send(venue: SolanaVenue, signer: Signer, *instructions: Instruction) -> VenueResult:
    return await venue.submit(await sign(venue, signer, *instructions))


async def open_account(world: SolanaWorld, venue: SolanaVenue, usdc: int) -> Signer:
    """A trader with a trading account and ``usdc`` deposited, all sent through the venue.
    The faucet is a paper-only helper, so it is the one step called on the executor."""
    trader = Signer(Keypair())
    token = world.executor.faucet(trader.pubkey, usdc * 10**6)
    created = await send(venue, trader, world.ixs.create_user(trader.pubkey))
    assert created.ok, created
    deposited = await send(venue, trader, world.ixs.deposit(trader.pubkey, trader.pubkey, token, usdc * 10**6))
    assert deposited.ok, deposited
    return trader


def market_order(side: str, size_sol: float, leverage: int, client_order_id: int = 1) -> OrderParams:
    return OrderParams("Market", side, size=int(size_sol * 10**9), price=0, trigger_price=0, reduce_only=False,
                       client_order_id=client_order_id, leverage=leverage)


def place(world: SolanaWorld, trader: Signer, order_id: int, params: OrderParams) -> Instruction:
    return world.ixs.place_order(trader.pubkey, trader.pubkey, SOL, order_id, world.price_account(), params)


