//! Integer helpers shared by every formula. All money math runs in `i128` so that
//! products of two `i64` never overflow; results are narrowed back with checked
//! conversions that fail with `MathOverflow` instead of wrapping.

use crate::errors::{EngineError, ErrorCode};

/// Ratios (margins, fees, spread, confidence, fee shares) are parts per million.
pub const PPM: i128 = 1_000_000;

/// Prices are quote (USDC) per one whole base unit, scaled by 10^6.
pub const PRICE_DECIMALS: u32 = 6;

/// Largest price the engine accepts (10^7 USD per whole base unit). Bounding prices
/// (and sizes by `i64`) keeps every product below in `i128` range: size × price ×
/// ratio ≤ 9.3e18 × 1e13 × 1e6 < 1.7e38.
pub const MAX_PRICE: i64 = 10_000_000_000_000;

/// Funding rates are a fraction of notional per funding interval, scaled by 10^9.
pub const FUNDING_RATE_SCALE: i128 = 1_000_000_000;

/// Floor division (rounds toward negative infinity). `d` must be positive.
pub fn floor_div(n: i128, d: i128) -> i128 {
    debug_assert!(d > 0);
    n.div_euclid(d)
}

/// Ceiling division (rounds toward positive infinity). `d` must be positive.
pub fn ceil_div(n: i128, d: i128) -> i128 {
    debug_assert!(d > 0);
    -(-n).div_euclid(d)
}

/// 10^exp as `i128`; callers bound `exp` (base decimals ≤ 12, oracle exponents ≥ -18).
pub fn pow10(exp: u32) -> i128 {
    10i128.pow(exp)
}

pub fn overflow() -> EngineError {
    EngineError::new(ErrorCode::MathOverflow)
}

pub fn mul(a: i128, b: i128) -> Result<i128, EngineError> {
    a.checked_mul(b).ok_or_else(overflow)
}

pub fn add(a: i128, b: i128) -> Result<i128, EngineError> {
    a.checked_add(b).ok_or_else(overflow)
}

pub fn to_i64(v: i128) -> Result<i64, EngineError> {
    i64::try_from(v).map_err(|_| overflow())
}

pub fn to_u64(v: i128) -> Result<u64, EngineError> {
    u64::try_from(v).map_err(|_| overflow())
}

/// Adds a signed delta to an unsigned balance; going below zero or past `u64::MAX`
/// is an overflow (callers check business limits such as free collateral first).
pub fn apply_delta(balance: u64, delta: i128) -> Result<u64, EngineError> {
    to_u64(add(balance as i128, delta)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn division_rounds_in_the_named_direction_for_both_signs() {
        assert_eq!(floor_div(7, 2), 3);
        assert_eq!(floor_div(-7, 2), -4);
        assert_eq!(ceil_div(7, 2), 4);
        assert_eq!(ceil_div(-7, 2), -3);
        assert_eq!(ceil_div(6, 2), 3);
        assert_eq!(floor_div(-6, 2), -3);
    }

    #[test]
    fn narrowing_fails_instead_of_wrapping() {
        assert!(to_i64(i64::MAX as i128 + 1).is_err());
        assert!(to_u64(-1).is_err());
        assert!(apply_delta(5, -6).is_err());
        assert_eq!(apply_delta(5, -5).unwrap(), 0);
    }
}
