"""Trader instructions: place and cancel orders, close positions."""

from __future__ import annotations

from dataclasses import replace

from quantdesk.engine._errors import (
    EnginePanic,
    InsufficientCollateral,
    InvalidLeverage,
    InvalidPrice,
    MathOverflow,
    NoPosition,
    TooManyOpenOrders,
    Unauthorized,
)
from quantdesk.engine._events import Event, OrderCancelled, OrderPlaced
from quantdesk.engine._execution import INCREASE, Effect, classify, ensure_trading_open, execute
from quantdesk.engine._instructions import ClosePosition, PlaceOrder
from quantdesk.engine._math import U64_MAX, add, apply_delta, ceil_div, to_u64
from quantdesk.engine._oracle import OracleInput, validate_oracle
from quantdesk.engine._pricing import (
    check_price,
    check_slippage,
    fill_price,
    round_order_price,
    round_size,
    within_bound,
)
from quantdesk.engine._risk import base_unit, fill_notional
from quantdesk.engine._settlement import Fill, fee_for, settle_funding
from quantdesk.engine._state import (
    MAX_OPEN_ORDERS,
    Exchange,
    Key,
    Market,
    MarketParams,
    Order,
    OrderKind,
    Side,
    User,
)

__all__ = ["cancel_order", "close_position", "place_order", "require_trader"]


def require_trader(user: User, signer: Key) -> None:
    if not user.may_trade(signer):
        raise Unauthorized()


def _rounded_price(params: MarketParams, side: Side, price: int, required: bool) -> int:
    """Rounds a trader's price to the tick against them; a positive price that rounds
    to zero is refused rather than silently dropped."""
    check_price(price, required)
    rounded = round_order_price(params, side, price)
    if price > 0 and rounded == 0:
        raise InvalidPrice(value=price)
    return rounded


def place_order(
    exchange: Exchange, market: Market, user: User, ix: PlaceOrder, oracle: OracleInput, now: int
) -> tuple[Exchange, Market, User, Order | None, list[Event]]:
    """Places an order. Market orders and marketable limit orders fill now against the
    vault (taker); other limit orders and every stop-loss / take-profit rest until
    ``trigger_order``. Returns the resting order, if any."""
    require_trader(user, ix.signer)
    ensure_trading_open(exchange, market)
    params = market.params
    if ix.leverage == 0 or ix.leverage > params.max_leverage:
        raise InvalidLeverage(limit=params.max_leverage, value=ix.leverage)
    size = round_size(params, ix.size)
    if ix.kind is OrderKind.MARKET:
        price, trigger_price = _rounded_price(params, ix.side, ix.price, False), 0
    elif ix.kind is OrderKind.LIMIT:
        price, trigger_price = _rounded_price(params, ix.side, ix.price, True), 0
    else:
        check_price(ix.trigger_price, True)
        price, trigger_price = _rounded_price(params, ix.side, ix.price, False), ix.trigger_price
    oracle_price = validate_oracle(params, oracle, now)
    reduce_only = ix.reduce_only or ix.kind.forces_reduce_only
    effect = classify(user, market.index, ix.side, size, reduce_only)

    exchange, user, events = settle_funding(exchange, market, user)
    order_id = user.next_order_id
    if order_id + 1 > U64_MAX:
        raise MathOverflow()
    user = replace(user, next_order_id=order_id + 1)

    # Market orders, and limit orders the taker price already satisfies, fill now.
    taker: int | None = None
    if ix.kind is OrderKind.MARKET:
        taker = fill_price(params, ix.side, oracle_price)
    elif ix.kind is OrderKind.LIMIT:
        quote = fill_price(params, ix.side, oracle_price)
        taker = quote if within_bound(ix.side, quote, price) else None
    order = Order(
        id=order_id,
        owner=user.owner,
        market_index=market.index,
        kind=ix.kind,
        side=ix.side,
        size=size,
        price=price,
        trigger_price=trigger_price,
        reduce_only=reduce_only,
        client_order_id=ix.client_order_id,
        leverage=ix.leverage,
        reserved=0,
        placed_at=now,
    )

    if taker is not None:
        if ix.kind is OrderKind.MARKET:
            check_slippage(ix.side, taker, price)
        events.append(_placed_event(order, resting=False))
        fill = Fill(side=ix.side, size=size, price=taker, maker=False, order_id=order_id, leverage=ix.leverage)
        exchange, market, user, filled = execute(exchange, market, user, fill, effect, oracle_price)
        return exchange, market, user, None, events + filled

    if user.open_orders >= MAX_OPEN_ORDERS:
        raise TooManyOpenOrders(limit=MAX_OPEN_ORDERS, value=user.open_orders + 1)
    # A resting limit order that would open or grow a position sets aside the margin
    # and maker fee it will need, so a later fill can't fail for lack of collateral.
    if ix.kind is OrderKind.LIMIT and effect == INCREASE:
        notional = fill_notional(size, price, base_unit(params))
        reserved = add(ceil_div(notional, ix.leverage), fee_for(notional, params.maker_fee_ppm))
        if user.collateral < reserved:
            raise InsufficientCollateral(limit=user.collateral, value=reserved)
        user = replace(user, collateral=apply_delta(user.collateral, -reserved))
        order = replace(order, reserved=to_u64(reserved))
    user = replace(user, open_orders=user.open_orders + 1)
    events.append(_placed_event(order, resting=True))
    return exchange, market, user, order, events


def _placed_event(order: Order, *, resting: bool) -> OrderPlaced:
    return OrderPlaced(
        owner=order.owner,
        order_id=order.id,
        client_order_id=order.client_order_id,
        market_index=order.market_index,
        kind=order.kind,
        side=order.side,
        size=order.size,
        price=order.price,
        trigger_price=order.trigger_price,
        reduce_only=order.reduce_only,
        leverage=order.leverage,
        resting=resting,
        reserved=order.reserved,
    )


def cancel_order(user: User, order: Order, signer: Key) -> tuple[User, OrderCancelled]:
    """Cancels a resting order and returns its reservation. Allowed while paused: it
    only gives collateral back."""
    require_trader(user, signer)
    collateral = apply_delta(user.collateral, order.reserved)
    if user.open_orders == 0:
        raise EnginePanic("open_orders underflow: the state lists an order its owner doesn't count")
    user = replace(user, collateral=collateral, open_orders=user.open_orders - 1)
    return user, OrderCancelled(owner=user.owner, order_id=order.id, refunded=order.reserved)


def close_position(
    exchange: Exchange, market: Market, user: User, ix: ClosePosition, oracle: OracleInput, now: int
) -> tuple[Exchange, Market, User, list[Event]]:
    """Closes all or part of a position at the taker price, without an order."""
    require_trader(user, ix.signer)
    ensure_trading_open(exchange, market)
    params = market.params
    base = user.position_base(market.index)
    if base == 0:
        raise NoPosition()
    held = abs(base)
    size = held if ix.size == 0 else min(round_size(params, ix.size), held)
    side = Side.closing(base)
    bound = _rounded_price(params, side, ix.price_limit, False)
    oracle_price = validate_oracle(params, oracle, now)

    exchange, user, events = settle_funding(exchange, market, user)
    taker = fill_price(params, side, oracle_price)
    check_slippage(side, taker, bound)
    fill = Fill(side=side, size=size, price=taker, maker=False, order_id=None, leverage=1)
    exchange, market, user, filled = execute(exchange, market, user, fill, Effect(reduce=size), oracle_price)
    return exchange, market, user, events + filled
