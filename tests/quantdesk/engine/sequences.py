"""Hypothesis strategies for instruction sequences: mostly plausible trading with a
steady share of invalid requests (wrong signer, zero amounts, bad prices, paused
markets), drawn step by step against the Python state so that cancels, closes,
triggers and liquidations name real orders and positions. Each sequence draws a
hostility level that raises the rate of faulty requests, so several checks fail at
once and the order of checks is compared too. Worlds built from nothing get a third
market (FINE: tick and lot of one unit, 10-minute funding) where every rounding shows.

Prices, the clock and oracle updates come from ``tests.quantdesk.engine.walk``."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hypothesis import strategies as st

from quantdesk.engine import (
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
    OrderKind,
    PlaceOrder,
    Pool,
    SetDelegate,
    SetPaused,
    SettleFunding,
    Side,
    State,
    TriggerOrder,
    Withdraw,
    fill_price,
    is_liquidatable,
    pending_funding,
)
from tests.quantdesk.engine.walk import (
    FINE_PARAMS,
    I64_MAX,
    START_PRICES,
    TRADERS,
    U64_MAX,
    Walk,
    advance,
    chance,
    fault,
    oracle_for,
    params_of,
    pick,
)
from tests.quantdesk.engine.worlds import (
    ADMIN,
    ALICE,
    BOB,
    BTC_PARAMS,
    CAROL,
    DAVE,
    EXCHANGE_PARAMS,
    MALLORY,
    SOL_PARAMS,
    USD,
    key,
)


def _signer(data: st.DataObject, walk: Walk, owner: bytes) -> bytes:
    return owner if not fault(data, walk, 10) else pick(data, (DAVE, BOB, ALICE, MALLORY))


def _market(data: st.DataObject, walk: Walk) -> int:
    """A listed market (SOL and BTC more than the others), or a missing one as a fault."""
    listed = [m for m in (0, 0, 0, 1, 1, 2, 2) if m < len(walk.state.markets)]
    if not listed or fault(data, walk, 2):
        return len(walk.state.markets)
    return pick(data, listed)


def _size(data: st.DataObject, walk: Walk, market: int) -> int:
    lot = params_of(market).lot_size
    if fault(data, walk, 2):
        return pick(data, (0, 1, I64_MAX, I64_MAX + 1 + lot, U64_MAX))
    if lot == 1:
        return data.draw(st.one_of(st.integers(1, 10**4), st.integers(1, 10**9), st.integers(1, 10**12)))
    lots = data.draw(st.one_of(st.integers(1, 20), st.integers(1, 500), st.integers(1, 30_000)))
    extra = data.draw(st.integers(0, lot - 1)) if chance(data, 25) else 0
    return lots * lot + extra


def _price_near(data: st.DataObject, walk: Walk, market: int, spread_ppm: int, side: Side | None = None) -> int:
    """A price around the market's (for a limit, sometimes exactly its taker price or
    one tick beside it), occasionally out of range."""
    base = walk.prices.get(market, START_PRICES[0])
    if fault(data, walk, 3):
        return pick(data, (-1, 1, 999, MAX_PRICE, MAX_PRICE + 1))
    params = params_of(market)
    if side is not None and chance(data, 25):
        return max(1, fill_price(params, side, base) + pick(data, (-1, 0, 1)) * params.tick_size)
    return max(1, base * (1_000_000 + data.draw(st.integers(-spread_ppm, spread_ppm))) // 1_000_000)


def _leverage(data: st.DataObject, walk: Walk, market: int) -> int:
    top = params_of(market).max_leverage
    if fault(data, walk, 4):
        return pick(data, (0, top + 1, 100, 65_535))
    return data.draw(st.integers(1, top))


def _amount(data: st.DataObject, walk: Walk, top: int) -> int:
    if fault(data, walk, 3):
        return pick(data, (0, U64_MAX, I64_MAX))
    return data.draw(st.integers(1, top))


def _place_order(data: st.DataObject, walk: Walk) -> PlaceOrder:
    if chance(data, 40):
        owner, market = _position_ref(data, walk)
    else:
        owner, market = pick(data, TRADERS), _market(data, walk)
    kind = pick(data, (OrderKind.MARKET,) * 4 + (OrderKind.LIMIT,) * 3 + (OrderKind.STOP_LOSS, OrderKind.TAKE_PROFIT))
    side = _counter_side(walk, market) if chance(data, 35) else pick(data, (Side.BUY, Side.SELL))
    bounded = kind is OrderKind.LIMIT or chance(data, 30)
    triggered = kind.forces_reduce_only or fault(data, walk, 5)
    return PlaceOrder(
        signer=_signer(data, walk, owner),
        owner=owner,
        market_index=market,
        kind=kind,
        side=side,
        size=_size(data, walk, market),
        price=_price_near(data, walk, market, 40_000, side) if bounded else 0,
        trigger_price=_price_near(data, walk, market, 100_000) if triggered else 0,
        reduce_only=chance(data, 20),
        client_order_id=data.draw(st.integers(0, U64_MAX)),
        leverage=_leverage(data, walk, market),
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
    if walk.state.orders and chance(data, 85):
        order = pick(data, walk.state.orders)
        return order.owner, order.id
    return pick(data, TRADERS), data.draw(st.integers(0, 6))


def _position_ref(data: st.DataObject, walk: Walk) -> tuple[bytes, int]:
    """An open position (owner, market) most of the time, else a trader and a market."""
    held = [(u.owner, p.market_index) for u in walk.state.users for p in u.positions]
    if held and chance(data, 80):
        return pick(data, held)
    return pick(data, TRADERS), _market(data, walk)


def _liquidatable_ref(data: st.DataObject, walk: Walk) -> tuple[bytes, int] | None:
    """A position the current price liquidates, if there is one (and a coin says so)."""
    due = []
    for user in walk.state.users:
        for p in user.positions:
            if p.market_index in walk.prices:
                market = walk.state.markets[p.market_index]
                if is_liquidatable(p, market.params, walk.prices[p.market_index], pending_funding(p, market)):
                    due.append((user.owner, p.market_index))
    return pick(data, due) if due and chance(data, 70) else None


def _market_params(data: st.DataObject) -> MarketParams:
    """SOL- or BTC-like parameters, one field sometimes pushed out of range."""
    params = replace(pick(data, (SOL_PARAMS, BTC_PARAMS)), symbol=pick(data, ("ETH-PERP", "JUP", "x" * 17, "", "A B")))
    if chance(data, 60):
        name, bad = pick(
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
    """One instruction, weighted toward trading; a hostile sequence pauses more."""
    if chance(data, walk.hostility // 4):
        return SetPaused(signer=ADMIN, market_index=pick(data, (None, 0, 1, 2)), paused=chance(data, 50))
    roll = data.draw(st.integers(0, 99))
    if roll < 40:
        return _place_order(data, walk)
    if roll < 48:
        owner, market = _position_ref(data, walk)
        return ClosePosition(
            signer=_signer(data, walk, owner),
            owner=owner,
            market_index=market,
            size=0 if chance(data, 50) else _size(data, walk, market),
            price_limit=0 if chance(data, 70) else _price_near(data, walk, market, 40_000),
        )
    if roll < 52:
        owner, order_id = _order_ref(data, walk)
        return CancelOrder(signer=_signer(data, walk, owner), owner=owner, order_id=order_id)
    if roll < 62:
        owner, order_id = _order_ref(data, walk)
        return TriggerOrder(owner=owner, order_id=order_id)
    if roll < 67:
        return SettleFunding(market_index=_market(data, walk))
    if roll < 77:
        owner, market = _liquidatable_ref(data, walk) or _position_ref(data, walk)
        liquidator = pick(
            data, (ALICE, BOB, BOB, CAROL, MALLORY) if owner != BOB else (BOB, ALICE, ALICE, CAROL, MALLORY)
        )
        return Liquidate(signer=liquidator, owner=owner, market_index=market)
    if roll < 82:
        return Deposit(owner=pick(data, TRADERS), amount=_amount(data, walk, 20_000 * USD))
    if roll < 86:
        owner = pick(data, TRADERS)
        return Withdraw(signer=_signer(data, walk, owner), owner=owner, amount=_amount(data, walk, 12_000 * USD))
    if roll < 90:
        return FundPool(
            signer=ADMIN if not fault(data, walk, 10) else BOB,
            pool=pick(data, (Pool.LIQUIDITY, Pool.INSURANCE)),
            amount=_amount(data, walk, 1_000_000 * USD),
        )
    if roll < 92:
        return SetPaused(
            signer=ADMIN if not fault(data, walk, 10) else ALICE,
            market_index=pick(data, (None, 0, 1, 2, 3)),
            paused=chance(data, 35),
        )
    if roll < 96:
        signer = pick(data, (CAROL, CAROL, CAROL, MALLORY, ALICE, DAVE))
        return CreateUser(signer=signer, delegate=pick(data, (None, DAVE, signer)))
    if roll < 98:
        owner = pick(data, (ALICE, BOB, CAROL, MALLORY))
        return SetDelegate(
            signer=_signer(data, walk, owner), owner=owner, delegate=pick(data, (None, DAVE, owner, CAROL))
        )
    if roll < 99:
        return AddMarket(signer=ADMIN if not fault(data, walk, 10) else BOB, params=_market_params(data))
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
    if chance(data, 8):
        exchange_params = ExchangeParams(
            liquidation_fee_ppm=data.draw(st.integers(0, 120_000)),
            liquidator_share_ppm=data.draw(st.integers(0, 1_100_000)),
            insurance_fee_share_ppm=data.draw(st.integers(0, 1_100_000)),
        )
    elif chance(data, 50):
        exchange_params = ExchangeParams(
            liquidation_fee_ppm=data.draw(st.integers(0, 100_000)),
            liquidator_share_ppm=data.draw(st.integers(0, 1_000_000)),
            insurance_fee_share_ppm=data.draw(st.integers(0, 1_000_000)),
        )
    steps: list[Instruction] = [
        InitializeExchange(signer=ADMIN, collateral_mint=key("usdc-mint"), params=exchange_params),
        AddMarket(signer=ADMIN, params=SOL_PARAMS),
        AddMarket(signer=ADMIN, params=BTC_PARAMS if not chance(data, 5) else _market_params(data)),
        AddMarket(signer=ADMIN, params=FINE_PARAMS),
        FundPool(signer=ADMIN, pool=Pool.LIQUIDITY, amount=data.draw(st.integers(1, 2_000_000)) * USD),
        FundPool(signer=ADMIN, pool=Pool.INSURANCE, amount=data.draw(st.integers(1, 20_000 * USD))),
        CreateUser(signer=ALICE, delegate=DAVE),
        Deposit(owner=ALICE, amount=data.draw(st.integers(1, 20_000)) * USD),
        CreateUser(signer=BOB, delegate=None),
        Deposit(owner=BOB, amount=data.draw(st.integers(1, 5_000 * USD))),
    ]
    if chance(data, 50):
        steps += [
            CreateUser(signer=CAROL, delegate=None),
            Deposit(owner=CAROL, amount=data.draw(st.integers(1, 50_000)) * USD),
        ]
    return steps


def run_sequence(data: st.DataObject, start: State, length: int, prefix: tuple[Instruction, ...] = ()) -> Walk:
    """Draws and applies ``prefix`` then instructions up to ``length`` steps in all."""
    walk = Walk(state=start, hostility=pick(data, (0, 0, 0, 0, 0, 8, 25)))
    for ix in prefix:
        walk.apply(ix, oracle_for(data, walk, 0))
    while len(walk.steps) < length:
        advance(data, walk)
        ix = instruction(data, walk)
        walk.apply(ix, oracle_for(data, walk, _market_of(walk, ix)))
    return walk
