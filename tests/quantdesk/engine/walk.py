"""The world a generated sequence moves through: the Python state, the clock and one
price per market. Prices follow a random walk with jumps and are now and then steered
onto the exact boundaries where the engine decides: a position's liquidation price,
a stop's trigger, the oracle at which a resting limit becomes marketable, whole-dollar
prices whose fills land on the tick. Oracle updates are drawn around those prices,
usually valid and sometimes faulty (wrong feed, stale, unverified, too uncertain,
unusual exponent).

Everything is integers, like the engine."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

from hypothesis import strategies as st

from quantdesk.engine import (
    MAX_PRICE,
    Instruction,
    MarketParams,
    Ok,
    OracleInput,
    OrderKind,
    Outcome,
    Side,
    State,
    apply,
    liquidation_price,
    pending_funding,
)
from tests.quantdesk.engine.worlds import (
    ALICE,
    BOB,
    BTC_FEED,
    BTC_PARAMS,
    CAROL,
    MALLORY,
    NOW,
    SOL_FEED,
    SOL_PARAMS,
    USD,
    key,
)

T = TypeVar("T")
U64_MAX = (1 << 64) - 1
I64_MAX = (1 << 63) - 1
# Alice and Bob trade; Carol exists only when a sequence creates her; Mallory never does.
TRADERS = (ALICE, ALICE, ALICE, ALICE, BOB, BOB, BOB, BOB, CAROL, MALLORY)
FINE_PARAMS = replace(
    SOL_PARAMS,
    symbol="FINE-PERP",
    pyth_feed_id=bytes([0x11] * 32),
    initial_margin_ppm=50_000,
    tick_size=1,
    lot_size=1,
    taker_fee_ppm=1_000,
    maker_fee_ppm=300,
    spread_ppm=700,
    funding_interval_secs=600,
    max_funding_rate=1_000_000,
)
MARKETS = {0: SOL_PARAMS, 1: BTC_PARAMS, 2: FINE_PARAMS}
START_PRICES = {0: 100 * USD, 1: 60_000 * USD, 2: 2_500_000}


@dataclass
class Walk:
    """The generator's view of the world: the Python state, the clock, the prices."""

    state: State
    now: int = NOW
    prices: dict[int, int] = field(default_factory=lambda: dict(START_PRICES))
    hostility: int = 0  # percentage points added to every fault's chance
    steps: list[tuple[Instruction, OracleInput, int, Outcome]] = field(default_factory=list)

    def apply(self, instruction: Instruction, oracle: OracleInput) -> Outcome:
        outcome = apply(self.state, instruction, oracle, self.now)
        self.steps.append((instruction, oracle, self.now, outcome))
        if isinstance(outcome, Ok):
            self.state = outcome.state
        return outcome


def chance(data: st.DataObject, percent: int) -> bool:
    return data.draw(st.integers(0, 99)) < percent


def pick(data: st.DataObject, items: Sequence[T]) -> T:
    return data.draw(st.sampled_from(items))


def fault(data: st.DataObject, walk: Walk, percent: int) -> bool:
    """A faulty field: ``percent`` of the time, more in a hostile sequence."""
    return chance(data, percent + walk.hostility)


def params_of(market: int) -> MarketParams:
    return MARKETS.get(market, SOL_PARAMS)


def advance(data: st.DataObject, walk: Walk) -> None:
    """Moves the clock and every market's price (ppm steps, occasional jumps), then
    sometimes steers one price onto a boundary."""
    walk.now += pick(data, (0, 0, 0, 1, 2, 30, 90, 600, 3_600, 7_200, 28_800))
    for market, price in walk.prices.items():
        limit = 300_000 if chance(data, 8) else 30_000
        move = data.draw(st.integers(-limit, limit))
        walk.prices[market] = max(1_000, min(MAX_PRICE // 2, price * (1_000_000 + move) // 1_000_000))
    if chance(data, 30):
        steer(data, walk)


def steer(data: st.DataObject, walk: Walk) -> None:
    """Puts a market's price exactly at (or one unit beside) a boundary: a position's
    liquidation price, a stop's trigger, the oracle at which a resting limit becomes
    marketable, or a whole-dollar price whose fill lands exactly on the tick."""
    target = pick(data, ("liquidation", "liquidation", "trigger", "limit", "whole"))
    nudge = pick(data, (-1, 0, 0, 1))
    if target == "liquidation":
        held = [p for u in walk.state.users for p in u.positions if p.market_index in walk.prices]
        if held:
            position = pick(data, held)
            market = walk.state.markets[position.market_index]
            liq = liquidation_price(position, market.params, pending_funding(position, market))
            if liq > 0:
                walk.prices[position.market_index] = max(1, liq + nudge)
    elif target in ("trigger", "limit"):
        kinds = (OrderKind.LIMIT,) if target == "limit" else (OrderKind.STOP_LOSS, OrderKind.TAKE_PROFIT)
        resting = [o for o in walk.state.orders if o.kind in kinds and o.market_index in walk.prices]
        if resting:
            order = pick(data, resting)
            spread = params_of(order.market_index).spread_ppm
            if target == "trigger":
                price = order.trigger_price
            elif order.side is Side.BUY:
                price = order.price * 1_000_000 // (1_000_000 + spread)
            else:
                price = -(-order.price * 1_000_000 // (1_000_000 - spread))
            walk.prices[order.market_index] = max(1, price + nudge)
    else:
        index = pick(data, tuple(walk.prices))
        whole = 100 * USD if index == 1 else USD
        walk.prices[index] = max(whole, walk.prices[index] // whole * whole)


def oracle_for(data: st.DataObject, walk: Walk, market: int) -> OracleInput:
    """An update for ``market``: usually valid, sometimes for the wrong feed, stale,
    unverified, too uncertain or in an unusual exponent."""
    price = walk.prices.get(market, START_PRICES[0])
    feed = params_of(market).pyth_feed_id
    if fault(data, walk, 3):
        feed = pick(data, (SOL_FEED, BTC_FEED, key("nofeed")))
    exponent = -8 if not fault(data, walk, 8) else pick(data, (-6, -5, -10, -12, -18, 0, -19, 1))
    shift = exponent + 6
    mantissa = price // 10**shift if shift >= 0 else price * 10 ** (-shift)
    if shift < 0 and chance(data, 50):
        mantissa += data.draw(st.integers(0, 10 ** (-shift) - 1))
    if fault(data, walk, 2):
        mantissa = pick(data, (0, -mantissa, 1))
    mantissa = max(-(1 << 63), min(I64_MAX, mantissa))
    conf = abs(mantissa) // (2_000 if not fault(data, walk, 4) else pick(data, (100, 50, 200, 199)))
    age = pick(data, (0, 1, 2, 2, 3)) if not fault(data, walk, 3) else pick(data, (29, 31, 60, 61, 3_600, -5))
    return OracleInput(
        feed_id=feed,
        price=mantissa,
        conf=conf,
        exponent=exponent,
        publish_time=walk.now - age,
        fully_verified=not fault(data, walk, 2),
    )
