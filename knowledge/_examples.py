"""Worked examples for the trader docs, computed by running the real exchange engine
(quantdesk.engine, the bit-exact mirror of the on-chain program) on the
markets and exchange parameters the code lists. Nothing here re-implements a
formula: each number is read from the engine's state or events after a real
instruction, so an example in the docs is exactly what the program would do.

The oracle prices (SOL at $150, ETH at $2,500) and the trades are chosen for the
examples; they are not market data.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from quantdesk.engine import (
    AddMarket,
    ClosePosition,
    CreateUser,
    Deposit,
    Err,
    ExchangeParams,
    FundPool,
    InitializeExchange,
    Liquidate,
    MarketParams,
    Ok,
    OracleInput,
    OrderKind,
    PlaceOrder,
    Pool,
    Position,
    SettleFunding,
    Side,
    State,
    User,
    apply,
    base_unit,
    equity,
    requirement,
    value,
)
from quantdesk.exchange import MarketSpec
from quantdesk.market import FeedRegistry
from quantdesk.units import to_units, usd, usd_units

__all__ = ["Run", "engine_run", "replace_market", "units"]

NOW = 1_790_000_000  # a fixed clock: the examples must not depend on when they are rendered
ADMIN, TRADER, KEEPER = (bytes([n]) * 32 for n in (1, 2, 3))
PYTH_EXPO = -8  # the example oracles publish prices in 10^-8 USD, as Pyth does for these feeds


def units(amount: Decimal, decimals: int) -> int:
    """A whole amount (dollars, coins) in the engine's integer units."""
    return to_units(amount, decimals)


class Run:
    """One engine world: the exchange, the code's markets, pools and a funded trader."""

    def __init__(self, markets: tuple[MarketSpec, ...], exchange: ExchangeParams, collateral_usdc: int) -> None:
        registry = FeedRegistry.load()
        self.specs = {m.symbol: m for m in markets}
        self.params = {m.symbol: MarketParams(**{**m.params(registry),
                                                  "pyth_feed_id": bytes.fromhex(registry.get(m.feed_symbol).feed_id)})
                       for m in markets}
        self.prices: dict[str, int] = {}
        self.now = NOW
        self.state = State()
        first = markets[0].symbol
        self.set_price(first, Decimal(1))
        self.must(InitializeExchange(signer=ADMIN, collateral_mint=bytes([9]) * 32, params=exchange), first)
        for m in markets:
            self.must(AddMarket(signer=ADMIN, params=self.params[m.symbol]), first)
        self.must(FundPool(signer=ADMIN, pool=Pool.LIQUIDITY, amount=usd_units(10_000_000)), first)
        self.must(FundPool(signer=ADMIN, pool=Pool.INSURANCE, amount=usd_units(1_000_000)), first)
        for who in (TRADER, KEEPER):
            self.must(CreateUser(signer=who, delegate=None), first)
        self.must(Deposit(owner=TRADER, amount=usd_units(collateral_usdc)), first)

    def set_price(self, symbol: str, price: Decimal) -> None:
        self.prices[symbol] = usd_units(price)

    def oracle(self, symbol: str) -> OracleInput:
        # Pyth's exponent for these feeds is -8; a tight confidence and a fresh publish time.
        price = to_units(usd(self.prices[symbol]), -PYTH_EXPO)
        return OracleInput(feed_id=self.params[symbol].pyth_feed_id, price=price, conf=price // 10_000,
                           exponent=PYTH_EXPO, publish_time=self.now, fully_verified=True)

    def apply(self, instruction: object, symbol: str) -> Ok | Err:
        outcome = apply(self.state, instruction, self.oracle(symbol), self.now)  # type: ignore[arg-type]
        if isinstance(outcome, Ok):
            self.state = outcome.state
        return outcome

    def must(self, instruction: object, symbol: str) -> Ok:
        outcome = self.apply(instruction, symbol)
        if not isinstance(outcome, Ok):
            raise RuntimeError(f"worked example step failed: {outcome}")
        return outcome

    def market_order(self, symbol: str, side: Side, size: Decimal, leverage: int) -> Ok | Err:
        spec = self.specs[symbol]
        return self.apply(PlaceOrder(signer=TRADER, owner=TRADER, market_index=spec.index, kind=OrderKind.MARKET,
                                     side=side, size=units(size, spec.base_decimals), price=0, trigger_price=0,
                                     reduce_only=False, client_order_id=1, leverage=leverage), symbol)

    def close(self, symbol: str) -> Ok:
        spec = self.specs[symbol]
        return self.must(ClosePosition(signer=TRADER, owner=TRADER, market_index=spec.index, size=0,
                                       price_limit=0), symbol)

    def liquidate(self, symbol: str) -> Ok | Err:
        return self.apply(Liquidate(signer=KEEPER, owner=TRADER, market_index=self.specs[symbol].index), symbol)

    def settle_funding(self, symbol: str) -> Ok:
        return self.must(SettleFunding(market_index=self.specs[symbol].index), symbol)

    # --- reads -----------------------------------------------------------------
    def user(self, owner: bytes = TRADER) -> User:
        return next(u for u in self.state.users if u.owner == owner)

    def position(self, symbol: str) -> Position:
        index = self.specs[symbol].index
        return next(p for p in self.user().positions if p.market_index == index)

    def margin_at(self, symbol: str, price: Decimal) -> tuple[int, int, int]:
        """(equity, initial requirement, maintenance requirement) of the position at ``price``, no funding due."""
        p, params = self.position(symbol), self.params[symbol]
        unit, at = base_unit(params), usd_units(price)
        v = value(p.base, at, unit)
        return (equity(p, at, 0, unit), requirement(v, params.initial_margin_ppm),
                requirement(v, params.maintenance_margin_ppm))

    def event(self, outcome: Ok, kind: str) -> Any:  # an engine event; the caller knows which kind it asked for
        return next(e for e in outcome.events if type(e).TYPE == kind)


def engine_run(markets: tuple[MarketSpec, ...], exchange: ExchangeParams, collateral_usdc: int = 10_000) -> Run:
    return Run(markets, exchange, collateral_usdc)


def replace_market(markets: tuple[MarketSpec, ...], symbol: str, **changes: Any) -> tuple[MarketSpec, ...]:
    """The market list with one market's parameters changed (for tests of the docs check)."""
    return tuple(dataclasses.replace(m, **changes) if m.symbol == symbol else m for m in markets)
