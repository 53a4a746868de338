//! Money movement on positions: settling funding, filling orders that open, grow or
//! reduce a position, splitting fees, and covering bad debt. Every function moves
//! collateral between the trader, the liquidity vault and the insurance fund, so
//! their sum never changes; SPEC.md spells out each flow.

use crate::errors::{EngineError, ErrorCode};
use crate::events::Event;
use crate::math::{add, apply_delta, ceil_div, floor_div, mul, to_i64, to_u64, PPM};
use crate::risk::{base_unit, fill_notional, liquidation_price, margin_surplus, pending_funding, requirement, value};
use crate::state::{Exchange, Market, Position, Side, User, MAX_POSITIONS};

/// One execution against the vault.
#[derive(Clone, Copy, Debug)]
pub struct Fill {
    pub side: Side,
    pub size: u64,
    pub price: i64,
    pub maker: bool,
    pub order_id: Option<u64>,
    /// Only used when the fill opens or grows a position.
    pub leverage: u16,
}

/// Changes the liquidity vault by `delta`, refusing to take it below zero: the vault
/// is real tokens and cannot owe.
pub fn move_vault(exchange: &mut Exchange, delta: i128) -> Result<(), EngineError> {
    let after = exchange.liquidity_vault as i128 + delta;
    if after < 0 {
        return Err(EngineError::bounded(ErrorCode::InsufficientLiquidity, exchange.liquidity_vault as i128, -delta));
    }
    exchange.liquidity_vault = to_u64(after)?;
    Ok(())
}

/// Realizes the position's pending funding into its margin (the vault is the other
/// side) and marks it settled up to the market's current index.
pub fn settle_funding(exchange: &mut Exchange, market: &Market, user: &mut User, events: &mut Vec<Event>) -> Result<(), EngineError> {
    let owner = user.owner;
    let Some(position) = user.position_mut(market.index) else {
        return Ok(());
    };
    let owed = pending_funding(position, market)?;
    position.last_cumulative_funding = market.cumulative_funding;
    if owed == 0 {
        return Ok(());
    }
    let owed = to_i64(owed)?;
    move_vault(exchange, owed as i128)?;
    position.margin = to_i64(position.margin as i128 - owed as i128)?;
    events.push(Event::FundingPaid { owner, market_index: market.index, amount: owed });
    Ok(())
}

/// Fee for a fill, rounded up.
pub fn fee_for(notional: i128, fee_ppm: u32) -> i128 {
    ceil_div(notional * fee_ppm as i128, PPM)
}

/// The insurance fund's share of a trading fee, rounded down (the vault gets the rest).
fn insurance_share(exchange: &Exchange, fee: i128) -> i128 {
    floor_div(fee * exchange.params.insurance_fee_share_ppm as i128, PPM)
}

/// Pays a collected trading fee out to the insurance fund and the vault.
fn distribute_trading_fee(exchange: &mut Exchange, fee: i128) -> Result<(), EngineError> {
    let to_insurance = insurance_share(exchange, fee);
    exchange.insurance_fund = apply_delta(exchange.insurance_fund, to_insurance)?;
    move_vault(exchange, fee - to_insurance)
}

/// Keeps the market's open interest equal to the sum of its positions' bases.
pub fn update_open_interest(market: &mut Market, old_base: i64, new_base: i64) -> Result<(), EngineError> {
    let long = market.long_open_interest as i128 - old_base.max(0) as i128 + new_base.max(0) as i128;
    let short = market.short_open_interest as i128 - (-(old_base.min(0) as i128)) + (-(new_base.min(0) as i128));
    market.long_open_interest = to_u64(long)?;
    market.short_open_interest = to_u64(short)?;
    Ok(())
}

fn filled_event(user: &User, market: &Market, fill: &Fill, fee: i128, realized: i128) -> Result<Event, EngineError> {
    let position = user.position(market.index);
    Ok(Event::OrderFilled {
        owner: user.owner,
        order_id: fill.order_id,
        market_index: market.index,
        side: fill.side,
        size: fill.size,
        price: fill.price,
        maker: fill.maker,
        fee: to_u64(fee)?,
        realized_pnl: to_i64(realized)?,
        position_base: position.map_or(0, |p| p.base),
        position_quote_entry: position.map_or(0, |p| p.quote_entry),
        position_margin: position.map_or(0, |p| p.margin),
        liquidation_price: position.map_or(0, |p| liquidation_price(p, &market.params, 0)),
    })
}

fn fee_ppm(market: &Market, maker: bool) -> u32 {
    if maker {
        market.params.maker_fee_ppm
    } else {
        market.params.taker_fee_ppm
    }
}

/// Opens or grows a position. The margin `ceil(notional / leverage)` and the fee
/// come out of free collateral; afterwards the position must meet initial margin at
/// the oracle price. Funding must already be settled.
pub fn increase(
    exchange: &mut Exchange,
    market: &mut Market,
    user: &mut User,
    fill: &Fill,
    oracle_price: i64,
    events: &mut Vec<Event>,
) -> Result<(), EngineError> {
    let unit = base_unit(&market.params);
    let existing = user.position(market.index).cloned();
    if existing.is_none() && user.positions.len() >= MAX_POSITIONS {
        return Err(EngineError::bounded(ErrorCode::TooManyPositions, MAX_POSITIONS as i128, user.positions.len() as i128 + 1));
    }
    let notional = fill_notional(fill.size, fill.price, unit);
    let margin = ceil_div(notional, fill.leverage as i128);
    let fee = fee_for(notional, fee_ppm(market, fill.maker));
    let required = add(margin, fee)?;
    if (user.collateral as i128) < required {
        return Err(EngineError::bounded(ErrorCode::InsufficientCollateral, user.collateral as i128, required));
    }

    let mut position = existing.clone().unwrap_or(Position {
        market_index: market.index,
        base: 0,
        quote_entry: 0,
        margin: 0,
        last_cumulative_funding: market.cumulative_funding,
    });
    let signed = fill.size as i128 * fill.side.sign() as i128;
    position.base = to_i64(position.base as i128 + signed)?;
    // Cost basis rounds up: a long pays the extra unit, a short is credited one less.
    position.quote_entry = to_i64(position.quote_entry as i128 + ceil_div(signed * fill.price as i128, unit))?;
    position.margin = to_i64(position.margin as i128 + margin)?;

    let surplus = margin_surplus(&position, &market.params, oracle_price, 0, market.params.initial_margin_ppm);
    if surplus < 0 {
        let required_margin = requirement(value(position.base, oracle_price, unit), market.params.initial_margin_ppm);
        return Err(EngineError::bounded(ErrorCode::InitialMarginViolated, required_margin, required_margin + surplus));
    }

    user.collateral = apply_delta(user.collateral, -required)?;
    distribute_trading_fee(exchange, fee)?;
    update_open_interest(market, existing.map_or(0, |p| p.base), position.base)?;
    match user.position_mut(market.index) {
        Some(slot) => *slot = position,
        None => user.insert_position(position),
    }
    events.push(filled_event(user, market, fill, fee, 0)?);
    Ok(())
}

/// Reduces or closes a position by `fill.size` (≤ |base|; callers clamp or refuse
/// larger sizes). The reduced part's PnL and the fee settle against the position's
/// margin; a proportional part of what remains returns to free collateral, all of it
/// on a full close. Funding must already be settled.
pub fn reduce(
    exchange: &mut Exchange,
    market: &mut Market,
    user: &mut User,
    fill: &Fill,
    events: &mut Vec<Event>,
) -> Result<(), EngineError> {
    let unit = base_unit(&market.params);
    let position = user.position(market.index).cloned().ok_or_else(|| EngineError::new(ErrorCode::NoPosition))?;
    let base = position.base as i128;
    let closed = fill.size as i128 * base.signum();
    let full = closed == base;

    // Exit value rounds down and the removed cost basis rounds up: both against the trader.
    let exit_value = value(to_i64(closed)?, fill.price, unit);
    let basis = if full { position.quote_entry as i128 } else { ceil_div(mul(position.quote_entry as i128, closed.abs())?, base.abs()) };
    let realized = exit_value - basis;

    // The fee can't take more than the position still holds.
    let available = position.margin as i128 + realized;
    let fee = fee_for(fill_notional(fill.size, fill.price, unit), fee_ppm(market, fill.maker)).min(available.max(0));
    let remaining = available - fee;
    let (payout, bad_debt) =
        if full { (remaining.max(0), (-remaining).max(0)) } else { (floor_div(mul(remaining, closed.abs())?, base.abs()).max(0), 0) };

    // The vault pays the PnL, keeps its share of the fee and absorbs what insurance
    // can't cover of a bad debt; it is checked once, on the net amount.
    let fee_to_insurance = insurance_share(exchange, fee);
    let cover = bad_debt.min(exchange.insurance_fund as i128);
    move_vault(exchange, -realized + (fee - fee_to_insurance) - (bad_debt - cover))?;
    exchange.insurance_fund = apply_delta(exchange.insurance_fund, fee_to_insurance - cover)?;
    user.collateral = apply_delta(user.collateral, payout)?;
    let new_base = to_i64(base - closed)?;
    update_open_interest(market, position.base, new_base)?;
    if full {
        user.remove_position(market.index);
    } else if let Some(slot) = user.position_mut(market.index) {
        slot.base = new_base;
        slot.quote_entry = to_i64(position.quote_entry as i128 - basis)?;
        slot.margin = to_i64(remaining - payout)?;
    }
    events.push(filled_event(user, market, fill, fee, realized)?);
    if full {
        events.push(Event::PositionClosed {
            owner: user.owner,
            market_index: market.index,
            payout: to_u64(payout)?,
            bad_debt: to_u64(bad_debt)?,
        });
    }
    Ok(())
}
