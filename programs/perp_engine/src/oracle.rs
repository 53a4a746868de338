//! Oracle validation: turns a Pyth price update into an engine price, refusing
//! prices that are for another feed, unverified, non-positive, stale or too uncertain.

use crate::errors::{EngineError, ErrorCode};
use crate::math::{ceil_div, mul, pow10, to_i64, MAX_PRICE, PPM, PRICE_DECIMALS};
use crate::state::MarketParams;

/// Pyth exponents are negative in practice; this range keeps 10^|expo| inside `i128`.
pub const MIN_EXPONENT: i32 = -18;
pub const MAX_EXPONENT: i32 = 0;

/// The fields of a Pyth `PriceUpdateV2` the engine needs, as published (raw mantissas).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OracleInput {
    pub feed_id: [u8; 32],
    pub price: i64,
    pub conf: u64,
    pub exponent: i32,
    pub publish_time: i64,
    /// `VerificationLevel::Full` (a partial verification is refused).
    pub fully_verified: bool,
}

/// A validated price in engine units (10^-6 quote per whole base unit).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OraclePrice {
    pub price: i64,
}

/// Checks, in this order: feed id, verification, exponent and sign, staleness,
/// confidence. `now` is the cluster clock's unix timestamp.
pub fn validate(market: &MarketParams, oracle: &OracleInput, now: i64) -> Result<OraclePrice, EngineError> {
    if oracle.feed_id != market.pyth_feed_id {
        return Err(EngineError::new(ErrorCode::OracleFeedMismatch));
    }
    if !oracle.fully_verified {
        return Err(EngineError::new(ErrorCode::OracleNotVerified));
    }
    if oracle.price <= 0 || !(MIN_EXPONENT..=MAX_EXPONENT).contains(&oracle.exponent) {
        return Err(EngineError::with_value(ErrorCode::OracleInvalidPrice, oracle.price as i128));
    }
    let price = normalize_price(oracle.price, oracle.exponent)?;
    if price <= 0 || price > MAX_PRICE {
        // A positive mantissa below one engine price unit, or beyond the engine's range.
        return Err(EngineError::with_value(ErrorCode::OracleInvalidPrice, oracle.price as i128));
    }
    // A publish time slightly ahead of the validator clock is normal and counts as age 0.
    let age = (now as i128 - oracle.publish_time as i128).max(0);
    if age > market.oracle_max_age_secs as i128 {
        return Err(EngineError::bounded(ErrorCode::OracleStale, market.oracle_max_age_secs as i128, age));
    }
    // The ratio is scale-free, so it is taken on the raw mantissas (no rounding of
    // conf beforehand) and rounded up: a borderline interval counts as too wide.
    let conf_ppm = ceil_div(oracle.conf as i128 * PPM, oracle.price as i128);
    if conf_ppm > market.max_conf_ppm as i128 {
        return Err(EngineError::bounded(ErrorCode::OracleConfidenceTooWide, market.max_conf_ppm as i128, conf_ppm));
    }
    Ok(OraclePrice { price })
}

/// Rescales a mantissa with exponent `expo` to 10^-6, rounding down: the oracle
/// price is a reference, not a payment, so it is truncated consistently.
pub fn normalize_price(mantissa: i64, expo: i32) -> Result<i64, EngineError> {
    let shift = expo + PRICE_DECIMALS as i32;
    if shift >= 0 {
        to_i64(mul(mantissa as i128, pow10(shift as u32))?)
    } else {
        to_i64((mantissa as i128).div_euclid(pow10((-shift) as u32)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rescales_pyth_exponents_to_micro_units() {
        // SOL at 100.12345678 USD published with expo -8 → 100.123456 (truncated).
        assert_eq!(normalize_price(10_012_345_678, -8).unwrap(), 100_123_456);
        assert_eq!(normalize_price(100_123_456, -6).unwrap(), 100_123_456);
        assert_eq!(normalize_price(1_001, -3).unwrap(), 1_001_000);
        assert!(normalize_price(i64::MAX, 0).is_err());
    }
}
