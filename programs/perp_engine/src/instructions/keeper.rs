//! Permissionless keeper instructions: trigger resting orders, settle funding,
//! liquidate positions under maintenance margin.

use crate::errors::{EngineError, ErrorCode};
use crate::events::Event;
use crate::instructions::execution::{classify, ensure_trading_open, execute};
use crate::math::{add, apply_delta, floor_div, mul, to_i64, to_u64, PPM};
use crate::oracle::{self, OracleInput};
use crate::pricing::{check_slippage, fill_price, within_bound};
use crate::risk::{base_unit, equity, is_liquidatable, pending_funding, requirement, value};
use crate::settlement::{move_vault, settle_funding, update_open_interest, Fill};
use crate::state::{Exchange, Market, Order, OrderKind, Side, User};

/// Fills a resting order once the oracle has crossed it: a limit order when the
/// taker price is at or better than its limit (it then fills at its limit price as
/// maker); a stop-loss / take-profit when the oracle reaches its trigger (it then
/// fills at the taker price, within its optional bound).
pub fn trigger_order(
    exchange: &mut Exchange,
    market: &mut Market,
    user: &mut User,
    order: &Order,
    oracle: &OracleInput,
    now: i64,
) -> Result<Vec<Event>, EngineError> {
    ensure_trading_open(exchange, market)?;
    let params = market.params.clone();
    let oracle_price = oracle::validate(&params, oracle, now)?.price;

    let (price, maker) = match order.kind {
        OrderKind::Limit => {
            let taker = fill_price(&params, order.side, oracle_price)?;
            if !within_bound(order.side, taker, order.price) {
                return Err(EngineError::bounded(ErrorCode::OrderNotTriggerable, order.price as i128, taker as i128));
            }
            (order.price, true)
        }
        OrderKind::StopLoss | OrderKind::TakeProfit | OrderKind::Market => {
            if !stop_triggered(order, oracle_price) {
                return Err(EngineError::bounded(ErrorCode::OrderNotTriggerable, order.trigger_price as i128, oracle_price as i128));
            }
            let taker = fill_price(&params, order.side, oracle_price)?;
            check_slippage(order.side, taker, order.price)?;
            (taker, false)
        }
    };

    // The reservation goes back first; the fill then takes margin and fee as usual.
    user.collateral = apply_delta(user.collateral, order.reserved as i128)?;
    let effect = classify(user, market.index, order.side, order.size, order.reduce_only)?;
    let mut events = Vec::new();
    settle_funding(exchange, market, user, &mut events)?;
    let fill = Fill { side: order.side, size: order.size, price, maker, order_id: Some(order.id), leverage: order.leverage };
    execute(exchange, market, user, fill, effect, oracle_price, &mut events)?;
    user.open_orders -= 1;
    Ok(events)
}

/// A stop-loss triggers when the oracle moves against the position it protects
/// (a sell stop at or below its trigger, a buy stop at or above); a take-profit when
/// it moves in favour. Market orders never rest; if one did it would be due at once.
fn stop_triggered(order: &Order, oracle_price: i64) -> bool {
    match (order.kind, order.side) {
        (OrderKind::StopLoss, Side::Sell) | (OrderKind::TakeProfit, Side::Buy) => oracle_price <= order.trigger_price,
        (OrderKind::StopLoss, Side::Buy) | (OrderKind::TakeProfit, Side::Sell) => oracle_price >= order.trigger_price,
        _ => true,
    }
}

/// The funding rate for the next intervals, 10^-9 per interval: the maximum rate
/// scaled by the open-interest imbalance, truncated toward zero. Positive when longs
/// outweigh shorts (longs pay), negative otherwise (shorts pay).
pub fn funding_rate(market: &Market) -> i64 {
    let long = market.long_open_interest as i128;
    let short = market.short_open_interest as i128;
    if long + short == 0 {
        return 0;
    }
    (market.params.max_funding_rate as i128 * (long - short) / (long + short)) as i64
}

/// Advances the market's cumulative funding index by every whole interval elapsed
/// since the last settlement, at the current rate and oracle price. Positions
/// realize it lazily, the next time they are touched.
pub fn settle_market_funding(exchange: &Exchange, market: &mut Market, oracle: &OracleInput, now: i64) -> Result<Event, EngineError> {
    ensure_trading_open(exchange, market)?;
    let oracle_price = oracle::validate(&market.params, oracle, now)?.price;
    let interval = market.params.funding_interval_secs as i64;
    let intervals = (now - market.last_funding_ts).max(0) / interval;
    if intervals == 0 {
        return Err(EngineError::bounded(ErrorCode::FundingNotDue, market.last_funding_ts as i128 + interval as i128, now as i128));
    }
    let rate = funding_rate(market);
    let delta = mul(rate as i128 * oracle_price as i128, intervals as i128)?;
    market.cumulative_funding = add(market.cumulative_funding, delta)?;
    market.last_funding_ts += intervals * interval;
    market.last_funding_rate = rate;
    Ok(Event::FundingSettled {
        market_index: market.index,
        rate,
        intervals: intervals as u64,
        oracle_price,
        cumulative_funding: market.cumulative_funding,
    })
}

/// Closes a position under maintenance margin at the oracle price. The liquidation
/// fee (on the notional, capped at the remaining equity) is split between the
/// liquidator's account and the insurance fund; what equity is left returns to the
/// trader; a negative equity is bad debt, covered by insurance, then the vault.
pub fn liquidate(
    exchange: &mut Exchange,
    market: &mut Market,
    user: &mut User,
    liquidator: &mut User,
    oracle: &OracleInput,
    now: i64,
) -> Result<Vec<Event>, EngineError> {
    ensure_trading_open(exchange, market)?;
    let params = market.params.clone();
    let Some(position) = user.position(market.index).cloned() else {
        return Err(EngineError::new(ErrorCode::NoPosition));
    };
    let price = oracle::validate(&params, oracle, now)?.price;
    let unit = base_unit(&params);
    let pending = pending_funding(&position, market)?;
    if !is_liquidatable(&position, &params, price, pending) {
        let maintenance = requirement(value(position.base, price, unit), params.maintenance_margin_ppm);
        return Err(EngineError::bounded(ErrorCode::NotLiquidatable, maintenance, equity(&position, price, pending, unit)));
    }

    let mut events = Vec::new();
    settle_funding(exchange, market, user, &mut events)?;
    let position = user.position(market.index).cloned().ok_or_else(|| EngineError::new(ErrorCode::NoPosition))?;
    let position_value = value(position.base, price, unit);
    let realized = position_value - position.quote_entry as i128;
    let remaining = position.margin as i128 + realized;
    let fee = requirement(position_value, exchange.params.liquidation_fee_ppm).min(remaining.max(0));
    let reward = floor_div(fee * exchange.params.liquidator_share_ppm as i128, PPM);
    let insurance_fee = fee - reward;
    let payout = (remaining - fee).max(0);
    let bad_debt = (-remaining).max(0);
    let cover = bad_debt.min(exchange.insurance_fund as i128);

    move_vault(exchange, -realized - (bad_debt - cover))?;
    exchange.insurance_fund = apply_delta(exchange.insurance_fund, insurance_fee - cover)?;
    liquidator.collateral = apply_delta(liquidator.collateral, reward)?;
    user.collateral = apply_delta(user.collateral, payout)?;
    update_open_interest(market, position.base, 0)?;
    user.remove_position(market.index);

    events.push(Event::Liquidated {
        owner: user.owner,
        liquidator: liquidator.owner,
        market_index: market.index,
        base: position.base,
        price,
        realized_pnl: to_i64(realized)?,
        liquidation_fee: to_u64(fee)?,
        liquidator_reward: to_u64(reward)?,
        insurance_fee: to_u64(insurance_fee)?,
        payout: to_u64(payout)?,
        bad_debt: to_u64(bad_debt)?,
        insurance_cover: to_u64(cover)?,
    });
    events.push(Event::PositionClosed {
        owner: user.owner,
        market_index: market.index,
        payout: to_u64(payout)?,
        bad_debt: to_u64(bad_debt)?,
    });
    Ok(events)
}
