"""Money movement on positions: settling funding, filling orders that open, grow or
reduce a position, splitting fees, covering bad debt. Every function moves
collateral between the trader, the liquidity vault and the insurance fund, so their
sum never changes (SPEC.md 5.5–5.6 spells out each flow).

Functions take the pieces of state they touch and return the new pieces; a failure
raises (the caller discards everything).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from quantdesk.engine._errors import (
    InitialMarginViolated,
    InsufficientCollateral,
    InsufficientLiquidity,
    NoPosition,
    TooManyPositions,
)
from quantdesk.engine._events import Event, FundingPaid, OrderFilled, PositionClosed
from quantdesk.engine._math import PPM, add, apply_delta, ceil_div, floor_div, mul, to_i64, to_u64
from quantdesk.engine._risk import (
    base_unit,
    fill_notional,
    liquidation_price,
    margin_surplus,
    pending_funding,
    requirement,
    value,
)
from quantdesk.engine._state import MAX_POSITIONS, Exchange, Market, Position, Side, User

__all__ = [
    "Fill",
    "fee_for",
    "increase",
    "move_vault",
    "reduce",
    "settle_funding",
    "update_open_interest",
]


@dataclass(frozen=True, slots=True)
class Fill:
    """One execution against the vault."""

    side: Side
    size: int
    price: int
    maker: bool
    order_id: int | None
    leverage: int  # only used when the fill opens or grows a position


def move_vault(exchange: Exchange, delta: int) -> Exchange:
    """Changes the liquidity vault by ``delta``, refusing to take it below zero: the
    vault is real tokens and cannot owe."""
    after = exchange.liquidity_vault + delta
    if after < 0:
        raise InsufficientLiquidity(limit=exchange.liquidity_vault, value=-delta)
    return replace(exchange, liquidity_vault=to_u64(after))


def settle_funding(exchange: Exchange, market: Market, user: User) -> tuple[Exchange, User, list[Event]]:
    """Realizes the position's pending funding into its margin (the vault is the other
    side) and marks it settled up to the market's current index."""
    position = user.position(market.index)
    if position is None:
        return exchange, user, []
    owed = pending_funding(position, market)
    position = replace(position, last_cumulative_funding=market.cumulative_funding)
    if owed == 0:
        return exchange, user.with_position(position), []
    owed = to_i64(owed)
    exchange = move_vault(exchange, owed)
    position = replace(position, margin=to_i64(position.margin - owed))
    event = FundingPaid(owner=user.owner, market_index=market.index, amount=owed)
    return exchange, user.with_position(position), [event]


def fee_for(notional: int, fee_ppm: int) -> int:
    """Fee for a fill, rounded up."""
    return ceil_div(notional * fee_ppm, PPM)


def _insurance_share(exchange: Exchange, fee: int) -> int:
    """The insurance fund's share of a trading fee, rounded down (the vault gets the rest)."""
    return floor_div(fee * exchange.params.insurance_fee_share_ppm, PPM)


def _distribute_trading_fee(exchange: Exchange, fee: int) -> Exchange:
    to_insurance = _insurance_share(exchange, fee)
    exchange = replace(exchange, insurance_fund=apply_delta(exchange.insurance_fund, to_insurance))
    return move_vault(exchange, fee - to_insurance)


def update_open_interest(market: Market, old_base: int, new_base: int) -> Market:
    """Keeps the market's open interest equal to the sum of its positions' bases."""
    long = market.long_open_interest - max(old_base, 0) + max(new_base, 0)
    short = market.short_open_interest + min(old_base, 0) - min(new_base, 0)
    return replace(market, long_open_interest=to_u64(long), short_open_interest=to_u64(short))


def _fee_ppm(market: Market, maker: bool) -> int:
    return market.params.maker_fee_ppm if maker else market.params.taker_fee_ppm


def _filled_event(user: User, market: Market, fill: Fill, fee: int, realized: int) -> OrderFilled:
    position = user.position(market.index)
    fee = to_u64(fee)
    realized = to_i64(realized)
    return OrderFilled(
        owner=user.owner,
        order_id=fill.order_id,
        market_index=market.index,
        side=fill.side,
        size=fill.size,
        price=fill.price,
        maker=fill.maker,
        fee=fee,
        realized_pnl=realized,
        position_base=0 if position is None else position.base,
        position_quote_entry=0 if position is None else position.quote_entry,
        position_margin=0 if position is None else position.margin,
        liquidation_price=0 if position is None else liquidation_price(position, market.params, 0),
    )


def increase(
    exchange: Exchange, market: Market, user: User, fill: Fill, oracle_price: int
) -> tuple[Exchange, Market, User, list[Event]]:
    """Opens or grows a position. The margin ``ceil(notional / leverage)`` and the fee
    come out of free collateral; afterwards the position must meet initial margin at
    the oracle price. Funding must already be settled."""
    params = market.params
    unit = base_unit(params)
    existing = user.position(market.index)
    if existing is None and len(user.positions) >= MAX_POSITIONS:
        raise TooManyPositions(limit=MAX_POSITIONS, value=len(user.positions) + 1)
    notional = fill_notional(fill.size, fill.price, unit)
    margin = ceil_div(notional, fill.leverage)
    fee = fee_for(notional, _fee_ppm(market, fill.maker))
    required = add(margin, fee)
    if user.collateral < required:
        raise InsufficientCollateral(limit=user.collateral, value=required)

    start = existing or Position(market.index, 0, 0, 0, market.cumulative_funding)
    signed = fill.size * fill.side.sign
    base = to_i64(start.base + signed)
    # Cost basis rounds up: a long pays the extra unit, a short is credited one less.
    quote_entry = to_i64(start.quote_entry + ceil_div(signed * fill.price, unit))
    position = replace(start, base=base, quote_entry=quote_entry, margin=to_i64(start.margin + margin))

    surplus = margin_surplus(position, params, oracle_price, 0, params.initial_margin_ppm)
    if surplus < 0:
        required_margin = requirement(value(position.base, oracle_price, unit), params.initial_margin_ppm)
        raise InitialMarginViolated(limit=required_margin, value=required_margin + surplus)

    collateral = apply_delta(user.collateral, -required)
    exchange = _distribute_trading_fee(exchange, fee)
    market = update_open_interest(market, 0 if existing is None else existing.base, position.base)
    user = replace(user, collateral=collateral).with_position(position)
    return exchange, market, user, [_filled_event(user, market, fill, fee, 0)]


def reduce(exchange: Exchange, market: Market, user: User, fill: Fill) -> tuple[Exchange, Market, User, list[Event]]:
    """Reduces or closes a position by ``fill.size`` (≤ |base|). The reduced part's PnL
    and the fee settle against the margin; a proportional part of what remains
    returns to free collateral, all of it on a full close. Funding must be settled."""
    unit = base_unit(market.params)
    position = user.position(market.index)
    if position is None:
        raise NoPosition()
    base = position.base
    closed = fill.size * ((base > 0) - (base < 0))
    full = closed == base

    # Exit value rounds down and the removed basis rounds up: both against the trader.
    exit_value = value(to_i64(closed), fill.price, unit)
    basis = position.quote_entry if full else ceil_div(mul(position.quote_entry, abs(closed)), abs(base))
    realized = exit_value - basis

    # The fee can't take more than the position still holds.
    available = position.margin + realized
    fee = min(fee_for(fill_notional(fill.size, fill.price, unit), _fee_ppm(market, fill.maker)), max(available, 0))
    remaining = available - fee
    if full:
        payout, bad_debt = max(remaining, 0), max(-remaining, 0)
    else:
        payout, bad_debt = max(floor_div(mul(remaining, abs(closed)), abs(base)), 0), 0

    # The vault pays the PnL, keeps its share of the fee and absorbs what insurance
    # can't cover of a bad debt; it is checked once, on the net amount.
    fee_to_insurance = _insurance_share(exchange, fee)
    cover = min(bad_debt, exchange.insurance_fund)
    exchange = move_vault(exchange, -realized + (fee - fee_to_insurance) - (bad_debt - cover))
    exchange = replace(exchange, insurance_fund=apply_delta(exchange.insurance_fund, fee_to_insurance - cover))
    user = replace(user, collateral=apply_delta(user.collateral, payout))
    new_base = to_i64(base - closed)
    market = update_open_interest(market, position.base, new_base)
    if full:
        user = user.without_position(market.index)
    else:
        quote_entry = to_i64(position.quote_entry - basis)
        user = user.with_position(
            replace(position, base=new_base, quote_entry=quote_entry, margin=to_i64(remaining - payout))
        )
    events: list[Event] = [_filled_event(user, market, fill, fee, realized)]
    if full:
        events.append(
            PositionClosed(
                owner=user.owner, market_index=market.index, payout=to_u64(payout), bad_debt=to_u64(bad_debt)
            )
        )
    return exchange, market, user, events
