"""Permissionless keeper instructions: trigger resting orders, settle funding,
liquidate positions under maintenance margin."""

from __future__ import annotations

from dataclasses import replace

from quantdesk.engine._errors import (
    EnginePanic,
    FundingNotDue,
    NoPosition,
    NotLiquidatable,
    OrderNotTriggerable,
)
from quantdesk.engine._events import Event, FundingSettled, Liquidated, PositionClosed
from quantdesk.engine._execution import classify, ensure_trading_open, execute
from quantdesk.engine._math import (
    PPM,
    add,
    apply_delta,
    floor_div,
    mul,
    to_i64,
    to_u64,
    trunc_div,
    unchecked_i64,
)
from quantdesk.engine._oracle import OracleInput, validate_oracle
from quantdesk.engine._pricing import check_slippage, fill_price, within_bound
from quantdesk.engine._risk import base_unit, equity, is_liquidatable, pending_funding, requirement, value
from quantdesk.engine._settlement import Fill, move_vault, settle_funding, update_open_interest
from quantdesk.engine._state import Exchange, Market, Order, OrderKind, Side, User

__all__ = ["funding_rate", "liquidate", "settle_market_funding", "trigger_order"]


def trigger_order(
    exchange: Exchange, market: Market, user: User, order: Order, oracle: OracleInput, now: int
) -> tuple[Exchange, Market, User, list[Event]]:
    """Fills a resting order once the oracle has crossed it: a limit order when the
    taker price is at or better than its limit (it fills at its limit as maker); a
    stop-loss / take-profit when the oracle reaches its trigger (it fills at the taker
    price, within its optional bound)."""
    ensure_trading_open(exchange, market)
    params = market.params
    oracle_price = validate_oracle(params, oracle, now)

    if order.kind is OrderKind.LIMIT:
        taker = fill_price(params, order.side, oracle_price)
        if not within_bound(order.side, taker, order.price):
            raise OrderNotTriggerable(limit=order.price, value=taker)
        price, maker = order.price, True
    else:
        if not _stop_triggered(order, oracle_price):
            raise OrderNotTriggerable(limit=order.trigger_price, value=oracle_price)
        taker = fill_price(params, order.side, oracle_price)
        check_slippage(order.side, taker, order.price)
        price, maker = taker, False

    # The reservation goes back first; the fill then takes margin and fee as usual.
    user = replace(user, collateral=apply_delta(user.collateral, order.reserved))
    effect = classify(user, market.index, order.side, order.size, order.reduce_only)
    exchange, user, events = settle_funding(exchange, market, user)
    fill = Fill(side=order.side, size=order.size, price=price, maker=maker, order_id=order.id, leverage=order.leverage)
    exchange, market, user, filled = execute(exchange, market, user, fill, effect, oracle_price)
    if user.open_orders == 0:
        raise EnginePanic("open_orders underflow: the state lists an order its owner doesn't count")
    user = replace(user, open_orders=user.open_orders - 1)
    return exchange, market, user, events + filled


def _stop_triggered(order: Order, oracle_price: int) -> bool:
    """A stop-loss triggers when the oracle moves against the position it protects (a
    sell stop at or below its trigger, a buy stop at or above); a take-profit when it
    moves in favour. Market orders never rest; if one did it would be due at once."""
    if order.kind is OrderKind.MARKET:
        return True
    falls = (order.kind is OrderKind.STOP_LOSS) == (order.side is Side.SELL)
    return oracle_price <= order.trigger_price if falls else oracle_price >= order.trigger_price


def funding_rate(market: Market) -> int:
    """The rate for the next intervals, 10^-9 per interval: the maximum rate scaled by the
    open-interest imbalance, truncated toward zero (symmetric for longs and shorts)."""
    long, short = market.long_open_interest, market.short_open_interest
    if long + short == 0:
        return 0
    return trunc_div(market.params.max_funding_rate * (long - short), long + short)


def settle_market_funding(
    exchange: Exchange, market: Market, oracle: OracleInput, now: int
) -> tuple[Market, FundingSettled]:
    """Advances the market's cumulative funding index by every whole interval elapsed
    since the last settlement, at the current rate and oracle price. Positions
    realize it lazily, the next time they are touched."""
    ensure_trading_open(exchange, market)
    oracle_price = validate_oracle(market.params, oracle, now)
    interval = market.params.funding_interval_secs
    if interval == 0:
        raise EnginePanic("funding interval of zero seconds")
    intervals = max(unchecked_i64(now - market.last_funding_ts, "now - last_funding_ts"), 0) // interval
    if intervals == 0:
        raise FundingNotDue(limit=market.last_funding_ts + interval, value=now)
    rate = funding_rate(market)
    delta = mul(rate * oracle_price, intervals)
    market = replace(
        market,
        cumulative_funding=add(market.cumulative_funding, delta),
        last_funding_ts=market.last_funding_ts + intervals * interval,
        last_funding_rate=rate,
    )
    event = FundingSettled(
        market_index=market.index,
        rate=rate,
        intervals=intervals,
        oracle_price=oracle_price,
        cumulative_funding=market.cumulative_funding,
    )
    return market, event


def liquidate(
    exchange: Exchange, market: Market, user: User, liquidator: User, oracle: OracleInput, now: int
) -> tuple[Exchange, Market, User, User, list[Event]]:
    """Closes a position under maintenance margin at the oracle price. The liquidation
    fee (on the notional, capped at the remaining equity) is split between the
    liquidator's account and the insurance fund; what equity is left returns to the
    trader; a negative equity is bad debt, covered by insurance, then the vault."""
    ensure_trading_open(exchange, market)
    params = market.params
    position = user.position(market.index)
    if position is None:
        raise NoPosition()
    price = validate_oracle(params, oracle, now)
    unit = base_unit(params)
    pending = pending_funding(position, market)
    if not is_liquidatable(position, params, price, pending):
        maintenance = requirement(value(position.base, price, unit), params.maintenance_margin_ppm)
        raise NotLiquidatable(limit=maintenance, value=equity(position, price, pending, unit))

    exchange, user, events = settle_funding(exchange, market, user)
    position = user.position(market.index)
    if position is None:  # pragma: no cover - settle_funding never removes a position
        raise NoPosition()
    position_value = value(position.base, price, unit)
    realized = position_value - position.quote_entry
    remaining = position.margin + realized
    fee = min(requirement(position_value, exchange.params.liquidation_fee_ppm), max(remaining, 0))
    reward = floor_div(fee * exchange.params.liquidator_share_ppm, PPM)
    insurance_fee = fee - reward
    payout = max(remaining - fee, 0)
    bad_debt = max(-remaining, 0)
    cover = min(bad_debt, exchange.insurance_fund)

    exchange = move_vault(exchange, -realized - (bad_debt - cover))
    exchange = replace(exchange, insurance_fund=apply_delta(exchange.insurance_fund, insurance_fee - cover))
    liquidator = replace(liquidator, collateral=apply_delta(liquidator.collateral, reward))
    user = replace(user, collateral=apply_delta(user.collateral, payout))
    market = update_open_interest(market, position.base, 0)
    user = user.without_position(market.index)

    events.append(
        Liquidated(
            owner=user.owner,
            liquidator=liquidator.owner,
            market_index=market.index,
            base=position.base,
            price=price,
            realized_pnl=to_i64(realized),
            liquidation_fee=to_u64(fee),
            liquidator_reward=to_u64(reward),
            insurance_fee=to_u64(insurance_fee),
            payout=to_u64(payout),
            bad_debt=to_u64(bad_debt),
            insurance_cover=to_u64(cover),
        )
    )
    events.append(
        PositionClosed(owner=user.owner, market_index=market.index, payout=to_u64(payout), bad_debt=to_u64(bad_debt))
    )
    return exchange, market, user, liquidator, events
