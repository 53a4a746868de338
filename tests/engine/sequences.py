"""Hypothesis strategies for instruction sequences: mostly plausible trading with a
steady share of invalid requests (wrong signer, zero amounts, bad prices, stale or
mismatched oracles, paused markets), drawn step by step against the Python state so
that cancels and triggers name real orders. Prices move as a random walk with jumps,
so stops, limits, funding and liquidations fire.

Everything is integers, like the engine."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from hypothesis import strategies as st

from quantdesk.exchange.engine import (
    MAX_PRICE,
    AddMarket,
    CancelOrder,
    ClosePosition,
    CreateUser,
    Deposit,
    ExchangeParams,
    FundPool,
    InitializeExchange,
    Instruction,
    Liquidate,
    MarketParams,
    Ok,
    OracleInput,
    OrderKind,
    Outcome,
    PlaceOrder,
    Pool,
    SetDelegate,
    SetPaused,
    SettleFunding,
    Side,
    State,
    TriggerOrder,
    Withdraw,
    apply,
    is_liquidatable,
    liquidation_price,
    pending_funding,
)
from tests.engine.worlds import (
    ADMIN,
    ALICE,
    BOB,
    BTC_FEED,
    BTC_PARAMS,
    CAROL,
    DAVE,
    EXCHANGE_PARAMS,
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
START_PRICES = {0: 100 * USD, 1: 60_000 * USD}
FEEDS = (SOL_FEED, BTC_FEED)


@dataclass
class Walk:
    """The generator's view of the world: the Python state, the clock, the prices."""

    state: State
    now: int = NOW
    prices: dict[int, int] = field(default_factory=lambda: dict(START_PRICES))
    steps: list[tuple[Instruction, OracleInput, int, Outcome]] = field(default_factory=list)

    def apply(self, instruction: Instruction, oracle: OracleInput) -> Outcome:
        outcome = apply(self.state, instruction, oracle, self.now)
        self.steps.append((instruction, oracle, self.now, outcome))
        if isinstance(outcome, Ok):
            self.state = outcome.state
        return outcome


def _chance(data: st.DataObject, percent: int) -> bool:
    return data.draw(st.integers(0, 99)) < percent


def _pick(data: st.DataObject, items: Sequence[T]) -> T:
    return data.draw(st.sampled_from(items))


def advance(data: st.DataObject, walk: Walk) -> None:
    """Moves the clock and every market's price (ppm steps, occasional jumps); now and
    then puts a market exactly at, or one unit either side of, an open position's
    liquidation price, so both engines meet the boundary itself."""
    elapsed = _pick(data, (0, 0, 0, 1, 2, 30, 90, 600, 3_600, 7_200, 28_800))
    walk.now += elapsed
    for market, price in walk.prices.items():
        limit = 300_000 if _chance(data, 8) else 30_000
        move = data.draw(st.integers(-limit, limit))
        walk.prices[market] = max(1_000, min(MAX_PRICE // 2, price * (1_000_000 + move) // 1_000_000))
    held = [p for u in walk.state.users for p in u.positions if p.market_index in walk.prices]
    if held and _chance(data, 15):
        position = _pick(data, held)
        market = walk.state.markets[position.market_index]
        liq = liquidation_price(position, market.params, pending_funding(position, market))
        if liq > 0:
            walk.prices[position.market_index] = max(1, liq + _pick(data, (-1, 0, 0, 1)))


def oracle_for(data: st.DataObject, walk: Walk, market: int) -> OracleInput:
    """An update for ``market``: usually valid, sometimes for the wrong feed, stale,
    unverified, too uncertain or in an unusual exponent."""
    price = walk.prices.get(market % 2, START_PRICES[0])
    feed = FEEDS[market % 2] if not _chance(data, 3) else _pick(data, (FEEDS[(market + 1) % 2], key("nofeed")))
    exponent = -8 if not _chance(data, 8) else _pick(data, (-6, -5, -10, -12, -18, 0, -19, 1))
    shift = exponent + 6
    mantissa = price // 10**shift if shift >= 0 else price * 10 ** (-shift)
    if shift < 0 and _chance(data, 50):
        mantissa += data.draw(st.integers(0, 10 ** (-shift) - 1))
    if _chance(data, 2):
        mantissa = _pick(data, (0, -mantissa, 1))
    mantissa = max(-(1 << 63), min(I64_MAX, mantissa))
    conf = abs(mantissa) // (2_000 if not _chance(data, 4) else _pick(data, (100, 50, 200, 199)))
    age = _pick(data, (0, 1, 2, 2, 3)) if not _chance(data, 3) else _pick(data, (29, 31, 60, 61, 3_600, -5))
    return OracleInput(
        feed_id=feed,
        price=mantissa,
        conf=conf,
        exponent=exponent,
        publish_time=walk.now - age,
        fully_verified=not _chance(data, 2),
    )


def _signer(data: st.DataObject, owner: bytes) -> bytes:
    return owner if _chance(data, 85) else _pick(data, (DAVE, BOB, ALICE, MALLORY))


def _market(data: st.DataObject) -> int:
    return 2 if _chance(data, 2) else _pick(data, (0, 0, 0, 1, 1))


def _size(data: st.DataObject, market: int) -> int:
    lot = (SOL_PARAMS if market != 1 else BTC_PARAMS).lot_size
    if _chance(data, 2):
        return _pick(data, (0, 1, I64_MAX, I64_MAX + 1 + lot, U64_MAX))
    lots = data.draw(st.one_of(st.integers(1, 20), st.integers(1, 500), st.integers(1, 30_000)))
    extra = data.draw(st.integers(0, lot - 1)) if _chance(data, 25) else 0
    return lots * lot + extra


def _price_near(data: st.DataObject, walk: Walk, market: int, spread_ppm: int) -> int:
    base = walk.prices.get(market % 2, START_PRICES[0])
    if _chance(data, 3):
        return _pick(data, (-1, 1, 999, MAX_PRICE, MAX_PRICE + 1))
    return max(1, base * (1_000_000 + data.draw(st.integers(-spread_ppm, spread_ppm))) // 1_000_000)


def _leverage(data: st.DataObject, market: int) -> int:
    top = (SOL_PARAMS if market != 1 else BTC_PARAMS).max_leverage
    if _chance(data, 4):
        return _pick(data, (0, top + 1, 100, 65_535))
    return data.draw(st.integers(1, top))


def _amount(data: st.DataObject, top: int) -> int:
    if _chance(data, 3):
        return _pick(data, (0, U64_MAX, I64_MAX))
    return data.draw(st.integers(1, top))


def _place_order(data: st.DataObject, walk: Walk) -> PlaceOrder:
    owner, market = _position_ref(data, walk) if _chance(data, 40) else (_pick(data, TRADERS), _market(data))
    kind = _pick(data, (OrderKind.MARKET,) * 4 + (OrderKind.LIMIT,) * 3 + (OrderKind.STOP_LOSS, OrderKind.TAKE_PROFIT))
    bounded = kind is OrderKind.LIMIT or _chance(data, 30)
    return PlaceOrder(
        signer=_signer(data, owner),
        owner=owner,
        market_index=market,
        kind=kind,
        side=_counter_side(walk, market) if _chance(data, 35) else _pick(data, (Side.BUY, Side.SELL)),
        size=_size(data, market),
        price=_price_near(data, walk, market, 40_000) if bounded else 0,
        trigger_price=_price_near(data, walk, market, 100_000) if kind.forces_reduce_only or _chance(data, 5) else 0,
        reduce_only=_chance(data, 20),
        client_order_id=data.draw(st.integers(0, U64_MAX)),
        leverage=_leverage(data, market),
    )


def _counter_side(walk: Walk, market: int) -> Side:
    """The side against the market's open-interest imbalance, so both sides fill up and
    funding runs with two-sided, uneven open interest (where rounding matters)."""
    if market >= len(walk.state.markets):
        return Side.BUY
    m = walk.state.markets[market]
    return Side.SELL if m.long_open_interest >= m.short_open_interest else Side.BUY


def _order_ref(data: st.DataObject, walk: Walk) -> tuple[bytes, int]:
    """An existing resting order (owner, id) most of the time, else a made-up one."""
    if walk.state.orders and _chance(data, 85):
        order = _pick(data, walk.state.orders)
        return order.owner, order.id
    return _pick(data, TRADERS), data.draw(st.integers(0, 6))


def _position_ref(data: st.DataObject, walk: Walk) -> tuple[bytes, int]:
    """An open position (owner, market) most of the time, else a trader and a market."""
    held = [(u.owner, p.market_index) for u in walk.state.users for p in u.positions]
    if held and _chance(data, 80):
        return _pick(data, held)
    return _pick(data, TRADERS), _market(data)


def _liquidatable_ref(data: st.DataObject, walk: Walk) -> tuple[bytes, int] | None:
    """A position the current price liquidates, if there is one (and a coin says so)."""
    due = []
    for user in walk.state.users:
        for p in user.positions:
            if p.market_index in walk.prices:
                market = walk.state.markets[p.market_index]
                if is_liquidatable(p, market.params, walk.prices[p.market_index], pending_funding(p, market)):
                    due.append((user.owner, p.market_index))
    return _pick(data, due) if due and _chance(data, 70) else None


def _market_params(data: st.DataObject) -> MarketParams:
    """SOL- or BTC-like parameters, one field sometimes pushed out of range."""
    params = replace(
        _pick(data, (SOL_PARAMS, BTC_PARAMS)), symbol=_pick(data, ("ETH-PERP", "JUP", "x" * 17, "", "A B"))
    )
    if _chance(data, 60):
        name, bad = _pick(
            data,
            (
                ("base_decimals", 13),
                ("max_leverage", 0),
                ("max_leverage", 101),
                ("initial_margin_ppm", 600_000),
                ("maintenance_margin_ppm", 0),
                ("tick_size", 0),
                ("lot_size", 0),
                ("taker_fee_ppm", 100_001),
                ("maker_fee_ppm", 100_000),
                ("spread_ppm", 100_001),
                ("oracle_max_age_secs", 0),
                ("max_conf_ppm", 1_000_001),
                ("funding_interval_secs", 0),
                ("max_funding_rate", -1),
                ("max_funding_rate", 1_000_000_001),
            ),
        )
        changes: dict[str, Any] = {name: bad}
        params = replace(params, **changes)
    return params


def instruction(data: st.DataObject, walk: Walk) -> Instruction:
    """One instruction, weighted toward trading."""
    roll = data.draw(st.integers(0, 99))
    if roll < 40:
        return _place_order(data, walk)
    if roll < 48:
        owner, market = _position_ref(data, walk)
        return ClosePosition(
            signer=_signer(data, owner),
            owner=owner,
            market_index=market,
            size=0 if _chance(data, 50) else _size(data, market),
            price_limit=0 if _chance(data, 70) else _price_near(data, walk, market, 40_000),
        )
    if roll < 52:
        owner, order_id = _order_ref(data, walk)
        return CancelOrder(signer=_signer(data, owner), owner=owner, order_id=order_id)
    if roll < 62:
        owner, order_id = _order_ref(data, walk)
        return TriggerOrder(owner=owner, order_id=order_id)
    if roll < 69:
        return SettleFunding(market_index=_market(data))
    if roll < 77:
        owner, market = _liquidatable_ref(data, walk) or _position_ref(data, walk)
        liquidator = _pick(
            data, (ALICE, BOB, BOB, CAROL, MALLORY) if owner != BOB else (BOB, ALICE, ALICE, CAROL, MALLORY)
        )
        return Liquidate(signer=liquidator, owner=owner, market_index=market)
    if roll < 82:
        return Deposit(owner=_pick(data, TRADERS), amount=_amount(data, 20_000 * USD))
    if roll < 86:
        owner = _pick(data, TRADERS)
        return Withdraw(signer=_signer(data, owner), owner=owner, amount=_amount(data, 12_000 * USD))
    if roll < 90:
        return FundPool(
            signer=ADMIN if _chance(data, 90) else BOB,
            pool=_pick(data, (Pool.LIQUIDITY, Pool.INSURANCE)),
            amount=_amount(data, 1_000_000 * USD),
        )
    if roll < 92:
        return SetPaused(
            signer=ADMIN if _chance(data, 90) else ALICE,
            market_index=_pick(data, (None, 0, 1, 2)),
            paused=_chance(data, 35),
        )
    if roll < 96:
        signer = _pick(data, (CAROL, CAROL, CAROL, MALLORY, ALICE, DAVE))
        return CreateUser(signer=signer, delegate=_pick(data, (None, DAVE, signer)))
    if roll < 98:
        owner = _pick(data, (ALICE, BOB, CAROL, MALLORY))
        return SetDelegate(signer=_signer(data, owner), owner=owner, delegate=_pick(data, (None, DAVE, owner, CAROL)))
    if roll < 99:
        return AddMarket(signer=ADMIN if _chance(data, 90) else BOB, params=_market_params(data))
    return InitializeExchange(signer=ADMIN, collateral_mint=key("usdc-mint"), params=EXCHANGE_PARAMS)


def _market_of(walk: Walk, ix: Instruction) -> int:
    """The market whose oracle an instruction reads (any for those that read none)."""
    if isinstance(ix, (PlaceOrder, ClosePosition, SettleFunding, Liquidate)):
        return ix.market_index
    if isinstance(ix, TriggerOrder):
        order = next((o for o in walk.state.orders if o.owner == ix.owner and o.id == ix.order_id), None)
        return 0 if order is None else order.market_index
    return 0


def setup(data: st.DataObject) -> list[Instruction]:
    """The steps that build a world from nothing, with drawn parameters and balances."""
    exchange_params = EXCHANGE_PARAMS
    if _chance(data, 8):
        exchange_params = ExchangeParams(
            liquidation_fee_ppm=data.draw(st.integers(0, 120_000)),
            liquidator_share_ppm=data.draw(st.integers(0, 1_100_000)),
            insurance_fee_share_ppm=data.draw(st.integers(0, 1_100_000)),
        )
    elif _chance(data, 50):
        exchange_params = ExchangeParams(
            liquidation_fee_ppm=data.draw(st.integers(0, 100_000)),
            liquidator_share_ppm=data.draw(st.integers(0, 1_000_000)),
            insurance_fee_share_ppm=data.draw(st.integers(0, 1_000_000)),
        )
    steps: list[Instruction] = [
        InitializeExchange(signer=ADMIN, collateral_mint=key("usdc-mint"), params=exchange_params),
        AddMarket(signer=ADMIN, params=SOL_PARAMS),
        AddMarket(signer=ADMIN, params=BTC_PARAMS if not _chance(data, 5) else _market_params(data)),
        FundPool(signer=ADMIN, pool=Pool.LIQUIDITY, amount=data.draw(st.integers(1, 2_000_000)) * USD),
        FundPool(signer=ADMIN, pool=Pool.INSURANCE, amount=data.draw(st.integers(1, 20_000 * USD))),
        CreateUser(signer=ALICE, delegate=DAVE),
        Deposit(owner=ALICE, amount=data.draw(st.integers(1, 20_000)) * USD),
        CreateUser(signer=BOB, delegate=None),
        Deposit(owner=BOB, amount=data.draw(st.integers(1, 5_000 * USD))),
    ]
    if _chance(data, 50):
        steps += [
            CreateUser(signer=CAROL, delegate=None),
            Deposit(owner=CAROL, amount=data.draw(st.integers(1, 50_000)) * USD),
        ]
    return steps


def run_sequence(data: st.DataObject, start: State, length: int, prefix: tuple[Instruction, ...] = ()) -> Walk:
    """Draws and applies ``prefix`` then instructions up to ``length`` steps in all."""
    walk = Walk(state=start)
    for ix in prefix:
        walk.apply(ix, oracle_for(data, walk, 0))
    while len(walk.steps) < length:
        advance(data, walk)
        ix = instruction(data, walk)
        walk.apply(ix, oracle_for(data, walk, _market_of(walk, ix)))
    return walk
