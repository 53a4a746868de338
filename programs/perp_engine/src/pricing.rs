//! Where orders meet the price grid: fill prices around the oracle, tick and lot
//! rounding, and when a limit order is marketable. Every rounding here favours the
//! vault (the taker's counterparty), never the trader.

use crate::errors::{EngineError, ErrorCode};
use crate::math::{ceil_div, floor_div, to_i64, MAX_PRICE, PPM};
use crate::state::{MarketParams, Side};

/// The vault's price for a taker: oracle × (1 ± spread), rounded to the tick
/// against the taker (up for a buy, down for a sell) in a single rounding step.
pub fn fill_price(params: &MarketParams, side: Side, oracle_price: i64) -> Result<i64, EngineError> {
    let tick = params.tick_size as i128;
    let spread = params.spread_ppm as i128;
    let price = match side {
        Side::Buy => ceil_div(oracle_price as i128 * (PPM + spread), PPM * tick) * tick,
        Side::Sell => floor_div(oracle_price as i128 * (PPM - spread), PPM * tick) * tick,
    };
    if price <= 0 {
        // A sell against an oracle price below one tick.
        return Err(EngineError::with_value(ErrorCode::InvalidPrice, price));
    }
    to_i64(price)
}

/// Rounds a trader's price (limit or worst-acceptable bound) to the tick so the
/// order never fills worse than asked: a buy's price down, a sell's up.
pub fn round_order_price(params: &MarketParams, side: Side, price: i64) -> i64 {
    let tick = params.tick_size;
    match side {
        Side::Buy => price.div_euclid(tick) * tick,
        Side::Sell => (price as i128 + tick as i128 - 1).div_euclid(tick as i128) as i64 * tick,
    }
}

/// Checks a trader-supplied price is within the engine's range: `0 < price ≤ MAX_PRICE`
/// when required, `0 ≤ price ≤ MAX_PRICE` when 0 means "none".
pub fn check_price(price: i64, required: bool) -> Result<(), EngineError> {
    let lowest = if required { 1 } else { 0 };
    if price < lowest || price > MAX_PRICE {
        return Err(EngineError::with_value(ErrorCode::InvalidPrice, price as i128));
    }
    Ok(())
}

/// Rounds a size down to whole lots (never more than asked).
pub fn round_size(params: &MarketParams, size: u64) -> Result<u64, EngineError> {
    let rounded = size - size % params.lot_size;
    if rounded == 0 {
        return Err(EngineError::bounded(ErrorCode::OrderSizeBelowLot, params.lot_size as i128, size as i128));
    }
    if rounded > i64::MAX as u64 {
        return Err(EngineError::new(ErrorCode::MathOverflow));
    }
    Ok(rounded)
}

/// True when `fill` is at least as good for the trader as `bound`
/// (a buy pays at most the bound, a sell receives at least it).
pub fn within_bound(side: Side, fill: i64, bound: i64) -> bool {
    match side {
        Side::Buy => fill <= bound,
        Side::Sell => fill >= bound,
    }
}

/// Enforces an optional worst-acceptable price (0 = none).
pub fn check_slippage(side: Side, fill: i64, bound: i64) -> Result<(), EngineError> {
    if bound != 0 && !within_bound(side, fill, bound) {
        return Err(EngineError::bounded(ErrorCode::SlippageExceeded, bound as i128, fill as i128));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> MarketParams {
        MarketParams {
            symbol: "SOL-PERP".into(),
            pyth_feed_id: [0; 32],
            base_decimals: 9,
            max_leverage: 20,
            initial_margin_ppm: 50_000,
            maintenance_margin_ppm: 25_000,
            tick_size: 10_000,
            lot_size: 10_000_000,
            taker_fee_ppm: 500,
            maker_fee_ppm: 200,
            spread_ppm: 1_000,
            oracle_max_age_secs: 60,
            max_conf_ppm: 10_000,
            funding_interval_secs: 3_600,
            max_funding_rate: 0,
        }
    }

    #[test]
    fn fill_price_adds_spread_and_rounds_against_the_taker() {
        // Oracle 100.005: buy 100.005 × 1.001 = 100.105005 → up to 100.11;
        // sell 100.005 × 0.999 = 99.904995 → down to 99.90.
        assert_eq!(fill_price(&params(), Side::Buy, 100_005_000).unwrap(), 100_110_000);
        assert_eq!(fill_price(&params(), Side::Sell, 100_005_000).unwrap(), 99_900_000);
    }

    #[test]
    fn order_prices_round_so_the_order_never_fills_worse() {
        assert_eq!(round_order_price(&params(), Side::Buy, 100_019_999), 100_010_000);
        assert_eq!(round_order_price(&params(), Side::Sell, 100_010_001), 100_020_000);
        assert_eq!(round_order_price(&params(), Side::Sell, 100_010_000), 100_010_000);
    }

    #[test]
    fn sizes_round_down_to_lots() {
        assert_eq!(round_size(&params(), 25_000_000).unwrap(), 20_000_000);
        let err = round_size(&params(), 9_999_999).unwrap_err();
        assert_eq!((err.code, err.limit, err.value), (ErrorCode::OrderSizeBelowLot, Some(10_000_000), Some(9_999_999)));
    }
}
