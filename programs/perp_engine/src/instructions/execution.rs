//! Steps shared by every instruction that trades: the pause gate, deciding whether
//! an order opens or reduces, and executing the fill.

use crate::errors::{EngineError, ErrorCode};
use crate::events::Event;
use crate::settlement::{increase, reduce, Fill};
use crate::state::{Exchange, Market, Side, User};

/// Trading, funding and liquidation need both the exchange and the market running.
pub fn ensure_trading_open(exchange: &Exchange, market: &Market) -> Result<(), EngineError> {
    if exchange.paused {
        return Err(EngineError::new(ErrorCode::ExchangePaused));
    }
    if market.paused {
        return Err(EngineError::with_value(ErrorCode::MarketPaused, market.index as i128));
    }
    Ok(())
}

/// What a fill of `size` on `side` does to the trader's position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Opens a position or grows one on the same side.
    Increase,
    /// Reduces the opposite position by this many base units (≤ its size).
    Reduce(u64),
}

/// A reduce-only order needs an opposite position and is clamped to its size; any
/// other order may not be larger than an opposite position (no flips in one order).
pub fn classify(user: &User, market_index: u16, side: Side, size: u64, reduce_only: bool) -> Result<Effect, EngineError> {
    let base = user.position_base(market_index);
    let opposite = base != 0 && base.signum() != side.sign();
    let held = base.unsigned_abs();
    match (opposite, reduce_only) {
        (false, true) => Err(EngineError::new(ErrorCode::ReduceOnlyWouldIncrease)),
        (false, false) => Ok(Effect::Increase),
        (true, true) => Ok(Effect::Reduce(size.min(held))),
        (true, false) if size > held => Err(EngineError::bounded(ErrorCode::WouldFlipPosition, held as i128, size as i128)),
        (true, false) => Ok(Effect::Reduce(size)),
    }
}

/// Executes a fill with the effect `classify` decided. Funding must be settled first.
pub fn execute(
    exchange: &mut Exchange,
    market: &mut Market,
    user: &mut User,
    fill: Fill,
    effect: Effect,
    oracle_price: i64,
    events: &mut Vec<Event>,
) -> Result<(), EngineError> {
    match effect {
        Effect::Increase => increase(exchange, market, user, &fill, oracle_price, events),
        Effect::Reduce(size) => reduce(exchange, market, user, &Fill { size, ..fill }, events),
    }
}
