//! Trader instructions: place and cancel orders, close positions.

use crate::errors::{EngineError, ErrorCode};
use crate::events::Event;
use crate::instructions::execution::{classify, ensure_trading_open, execute, Effect};
use crate::math::{add, apply_delta, ceil_div, to_u64};
use crate::oracle::{self, OracleInput};
use crate::pricing::{check_price, check_slippage, fill_price, round_order_price, round_size, within_bound};
use crate::risk::{base_unit, fill_notional};
use crate::settlement::{fee_for, settle_funding, Fill};
use crate::state::{Exchange, Key, Market, MarketParams, Order, OrderKind, Side, User, MAX_OPEN_ORDERS};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlaceOrderArgs {
    pub signer: Key,
    pub owner: Key,
    pub market_index: u16,
    pub kind: OrderKind,
    pub side: Side,
    /// Base units; rounded down to the lot size.
    pub size: u64,
    /// Limit: the limit price (required). Others: worst acceptable fill price, 0 = none.
    pub price: i64,
    /// Stop-loss / take-profit: the oracle trigger price (required); ignored otherwise.
    pub trigger_price: i64,
    pub reduce_only: bool,
    pub client_order_id: u64,
    pub leverage: u16,
}

pub fn require_trader(user: &User, signer: &Key) -> Result<(), EngineError> {
    if !user.may_trade(signer) {
        return Err(EngineError::new(ErrorCode::Unauthorized));
    }
    Ok(())
}

/// Rounds a trader's price to the tick against them; a positive price that rounds
/// to zero is refused rather than silently dropped.
fn rounded_price(params: &MarketParams, side: Side, price: i64, required: bool) -> Result<i64, EngineError> {
    check_price(price, required)?;
    let rounded = round_order_price(params, side, price);
    if price > 0 && rounded == 0 {
        return Err(EngineError::with_value(ErrorCode::InvalidPrice, price as i128));
    }
    Ok(rounded)
}

/// Places an order. Market orders and marketable limit orders fill now against the
/// vault at the oracle ± spread (taker); other limit orders and every stop-loss /
/// take-profit rest until `trigger_order`. Returns the resting order, if any.
pub fn place_order(
    exchange: &mut Exchange,
    market: &mut Market,
    user: &mut User,
    args: &PlaceOrderArgs,
    oracle: &OracleInput,
    now: i64,
) -> Result<(Option<Order>, Vec<Event>), EngineError> {
    require_trader(user, &args.signer)?;
    ensure_trading_open(exchange, market)?;
    let params = market.params.clone();
    if args.leverage == 0 || args.leverage > params.max_leverage {
        return Err(EngineError::bounded(ErrorCode::InvalidLeverage, params.max_leverage as i128, args.leverage as i128));
    }
    let size = round_size(&params, args.size)?;
    let (price, trigger_price) = match args.kind {
        OrderKind::Market => (rounded_price(&params, args.side, args.price, false)?, 0),
        OrderKind::Limit => (rounded_price(&params, args.side, args.price, true)?, 0),
        OrderKind::StopLoss | OrderKind::TakeProfit => {
            check_price(args.trigger_price, true)?;
            (rounded_price(&params, args.side, args.price, false)?, args.trigger_price)
        }
    };
    let oracle_price = oracle::validate(&params, oracle, now)?.price;
    let reduce_only = args.reduce_only || args.kind.forces_reduce_only();
    let effect = classify(user, market.index, args.side, size, reduce_only)?;

    let mut events = Vec::new();
    settle_funding(exchange, market, user, &mut events)?;
    let order_id = user.next_order_id;
    user.next_order_id = order_id.checked_add(1).ok_or_else(crate::math::overflow)?;

    // Market orders, and limit orders the taker price already satisfies, fill now.
    let fills_now = match args.kind {
        OrderKind::Market => Some(fill_price(&params, args.side, oracle_price)?),
        OrderKind::Limit => Some(fill_price(&params, args.side, oracle_price)?).filter(|&taker| within_bound(args.side, taker, price)),
        OrderKind::StopLoss | OrderKind::TakeProfit => None,
    };
    let mut order = Order {
        id: order_id,
        owner: user.owner,
        market_index: market.index,
        kind: args.kind,
        side: args.side,
        size,
        price,
        trigger_price,
        reduce_only,
        client_order_id: args.client_order_id,
        leverage: args.leverage,
        reserved: 0,
        placed_at: now,
    };

    if let Some(taker) = fills_now {
        if args.kind == OrderKind::Market {
            check_slippage(args.side, taker, price)?;
        }
        events.push(placed_event(&order, false));
        let fill = Fill { side: args.side, size, price: taker, maker: false, order_id: Some(order_id), leverage: args.leverage };
        execute(exchange, market, user, fill, effect, oracle_price, &mut events)?;
        return Ok((None, events));
    }

    if user.open_orders >= MAX_OPEN_ORDERS {
        return Err(EngineError::bounded(ErrorCode::TooManyOpenOrders, MAX_OPEN_ORDERS as i128, user.open_orders as i128 + 1));
    }
    // A resting limit order that would open or grow a position sets aside the margin
    // and maker fee it will need, so a fill later can't fail for lack of collateral.
    if args.kind == OrderKind::Limit && effect == Effect::Increase {
        let notional = fill_notional(size, price, base_unit(&params));
        let reserved = add(ceil_div(notional, args.leverage as i128), fee_for(notional, params.maker_fee_ppm))?;
        if (user.collateral as i128) < reserved {
            return Err(EngineError::bounded(ErrorCode::InsufficientCollateral, user.collateral as i128, reserved));
        }
        user.collateral = apply_delta(user.collateral, -reserved)?;
        order.reserved = to_u64(reserved)?;
    }
    user.open_orders += 1;
    events.push(placed_event(&order, true));
    Ok((Some(order), events))
}

fn placed_event(order: &Order, resting: bool) -> Event {
    Event::OrderPlaced {
        owner: order.owner,
        order_id: order.id,
        client_order_id: order.client_order_id,
        market_index: order.market_index,
        kind: order.kind,
        side: order.side,
        size: order.size,
        price: order.price,
        trigger_price: order.trigger_price,
        reduce_only: order.reduce_only,
        leverage: order.leverage,
        resting,
        reserved: order.reserved,
    }
}

/// Cancels a resting order and returns its reservation. Allowed while paused: it
/// only gives collateral back.
pub fn cancel_order(user: &mut User, order: &Order, signer: &Key) -> Result<Event, EngineError> {
    require_trader(user, signer)?;
    user.collateral = apply_delta(user.collateral, order.reserved as i128)?;
    user.open_orders -= 1;
    Ok(Event::OrderCancelled { owner: user.owner, order_id: order.id, refunded: order.reserved })
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClosePositionArgs {
    pub signer: Key,
    pub owner: Key,
    pub market_index: u16,
    /// Base units to close, rounded down to the lot size; 0 or ≥ the position closes it all.
    pub size: u64,
    /// Worst acceptable fill price, 0 = none.
    pub price_limit: i64,
}

/// Closes all or part of a position at the taker price, without an order.
pub fn close_position(
    exchange: &mut Exchange,
    market: &mut Market,
    user: &mut User,
    args: &ClosePositionArgs,
    oracle: &OracleInput,
    now: i64,
) -> Result<Vec<Event>, EngineError> {
    require_trader(user, &args.signer)?;
    ensure_trading_open(exchange, market)?;
    let params = market.params.clone();
    let base = user.position_base(market.index);
    if base == 0 {
        return Err(EngineError::new(ErrorCode::NoPosition));
    }
    let held = base.unsigned_abs();
    let size = if args.size == 0 { held } else { round_size(&params, args.size)?.min(held) };
    let side = Side::closing(base);
    let bound = rounded_price(&params, side, args.price_limit, false)?;
    let oracle_price = oracle::validate(&params, oracle, now)?.price;

    let mut events = Vec::new();
    settle_funding(exchange, market, user, &mut events)?;
    let taker = fill_price(&params, side, oracle_price)?;
    check_slippage(side, taker, bound)?;
    let fill = Fill { side, size, price: taker, maker: false, order_id: None, leverage: 1 };
    execute(exchange, market, user, fill, Effect::Reduce(size), oracle_price, &mut events)?;
    Ok(events)
}
