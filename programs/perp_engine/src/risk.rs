//! Position valuation and margin: the formulas that decide whether a position may
//! grow, must be liquidated, and at which oracle price that happens.
//!
//! Every quantity is rounded against the trader where it is computed:
//! - a position's value `floor(base × price / 10^decimals)` is never overstated for a
//!   long and a short's liability is never understated;
//! - margin requirements are rounded up;
//! - funding owed is rounded up (paid rounded up, received rounded down).

use crate::errors::EngineError;
use crate::math::{ceil_div, floor_div, mul, pow10, FUNDING_RATE_SCALE, MAX_PRICE, PPM};
use crate::state::{Market, MarketParams, Position};

/// 10^base_decimals: base units per whole base unit.
pub fn base_unit(params: &MarketParams) -> i128 {
    pow10(params.base_decimals as u32)
}

/// Signed mark-to-market value of `base` at `price`, rounded down.
pub fn value(base: i64, price: i64, unit: i128) -> i128 {
    floor_div(base as i128 * price as i128, unit)
}

/// Unsigned notional of a fill, rounded up; the base of fees and of the margin a
/// fill locks.
pub fn fill_notional(size: u64, price: i64, unit: i128) -> i128 {
    ceil_div(size as i128 * price as i128, unit)
}

/// Margin required for a position value at a ratio (initial or maintenance), rounded up.
pub fn requirement(value: i128, ratio_ppm: u32) -> i128 {
    ceil_div(value.abs() * ratio_ppm as i128, PPM)
}

/// Funding the position owes since its last settlement; negative when it receives.
pub fn pending_funding(position: &Position, market: &Market) -> Result<i128, EngineError> {
    let delta = market.cumulative_funding - position.last_cumulative_funding;
    let owed = mul(position.base as i128, delta)?;
    Ok(ceil_div(owed, base_unit(&market.params) * FUNDING_RATE_SCALE))
}

/// Margin + unrealized PnL − pending funding at `price`.
pub fn equity(position: &Position, price: i64, pending: i128, unit: i128) -> i128 {
    position.margin as i128 - pending + value(position.base, price, unit) - position.quote_entry as i128
}

/// `equity − requirement` at `price`; negative means under that margin ratio.
pub fn margin_surplus(position: &Position, params: &MarketParams, price: i64, pending: i128, ratio_ppm: u32) -> i128 {
    let unit = base_unit(params);
    equity(position, price, pending, unit) - requirement(value(position.base, price, unit), ratio_ppm)
}

/// Liquidatable: equity strictly below the maintenance requirement.
pub fn is_liquidatable(position: &Position, params: &MarketParams, price: i64, pending: i128) -> bool {
    margin_surplus(position, params, price, pending, params.maintenance_margin_ppm) < 0
}

/// The liquidation price on the 10^-6 grid: for a long the highest oracle price at
/// which the position is liquidatable, for a short the lowest; 0 if no price in
/// [1, MAX_PRICE] liquidates it (a long with margin covering its whole cost).
///
/// `margin_surplus` is monotonic in price (non-decreasing for a long, decreasing for a
/// short; see SPEC.md), so the answer is unique and any search finds it. Solving
/// `margin − f + b·P/10^d − q = |b|·P·mmr/10^d` gives it in closed form,
/// `P = (q + f − margin)·10^d / (b·(1 − sign·mmr))`, up to rounding; the search starts
/// there, so on chain it costs a handful of evaluations instead of a full bisection.
pub fn liquidation_price(position: &Position, params: &MarketParams, pending: i128) -> i64 {
    let liquidatable = |p: i64| is_liquidatable(position, params, p, pending);
    let guess = closed_form_estimate(position, params, pending);
    if position.base > 0 {
        // Liquidatable prices are [1, P]: P is the last price where it holds.
        last_true(liquidatable, guess).unwrap_or(0)
    } else {
        // Liquidatable prices are [P, MAX_PRICE]: P follows the last safe price.
        match last_true(|p| !liquidatable(p), guess) {
            None => 1,
            Some(MAX_PRICE) => 0,
            Some(safe) => safe + 1,
        }
    }
}

/// The closed-form liquidation price, unrounded; 1 when it can't be computed.
fn closed_form_estimate(position: &Position, params: &MarketParams, pending: i128) -> i64 {
    let sign = position.base.signum() as i128;
    let numerator =
        (position.quote_entry as i128 + pending - position.margin as i128).checked_mul(base_unit(params)).and_then(|n| n.checked_mul(PPM));
    let denominator = position.base as i128 * (PPM - sign * params.maintenance_margin_ppm as i128);
    match numerator {
        Some(n) if denominator != 0 => (n / denominator).clamp(1, MAX_PRICE as i128) as i64,
        _ => 1,
    }
}

/// The largest price in [1, MAX_PRICE] where `holds` (true up to some price, false
/// after it) is true, or `None` if it is false at 1. Gallops from `guess` to bracket
/// the boundary, then bisects.
fn last_true(holds: impl Fn(i64) -> bool, guess: i64) -> Option<i64> {
    if !holds(1) {
        return None;
    }
    if holds(MAX_PRICE) {
        return Some(MAX_PRICE);
    }
    // Invariant once bracketed: holds(lo) && !holds(hi).
    let (mut lo, mut hi);
    let mut step = 1i64;
    if holds(guess) {
        lo = guess;
        loop {
            let next = lo.saturating_add(step).min(MAX_PRICE);
            if !holds(next) {
                hi = next;
                break;
            }
            lo = next;
            step = step.saturating_mul(2);
        }
    } else {
        hi = guess;
        loop {
            let next = hi.saturating_sub(step).max(1);
            if holds(next) {
                lo = next;
                break;
            }
            hi = next;
            step = step.saturating_mul(2);
        }
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if holds(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(lo)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(mmr_ppm: u32) -> MarketParams {
        MarketParams {
            symbol: "SOL-PERP".into(),
            pyth_feed_id: [0; 32],
            base_decimals: 9,
            max_leverage: 20,
            initial_margin_ppm: 50_000,
            maintenance_margin_ppm: mmr_ppm,
            tick_size: 1_000,
            lot_size: 1_000_000,
            taker_fee_ppm: 0,
            maker_fee_ppm: 0,
            spread_ppm: 0,
            oracle_max_age_secs: 60,
            max_conf_ppm: 10_000,
            funding_interval_secs: 3_600,
            max_funding_rate: 0,
        }
    }

    #[test]
    fn value_rounds_down_for_both_sides() {
        // 1 base unit of a 9-decimal asset at 1.5 µUSD is worth 1.5e-9 µUSD.
        assert_eq!(value(1, 1_500_000, 1_000_000_000), 0);
        assert_eq!(value(-1, 1_500_000, 1_000_000_000), -1);
    }

    #[test]
    fn liquidation_price_of_a_5x_long_at_100_with_5pct_maintenance() {
        // 1 SOL long at 100 with 20 USDC margin (5x): liquidated when
        // 20 + (P − 100) < 0.05·P  ⇔  P < 80 / 0.95 = 84.2105263…
        let pos =
            Position { market_index: 0, base: 1_000_000_000, quote_entry: 100_000_000, margin: 20_000_000, last_cumulative_funding: 0 };
        let p = params(50_000);
        assert_eq!(liquidation_price(&pos, &p, 0), 84_210_526);
        assert!(is_liquidatable(&pos, &p, 84_210_526, 0));
        assert!(!is_liquidatable(&pos, &p, 84_210_527, 0));
    }

    #[test]
    fn liquidation_price_of_a_5x_short_at_100_with_5pct_maintenance() {
        // 1 SOL short at 100 with 20 USDC margin: liquidated when
        // 20 + (100 − P) < 0.05·P  ⇔  P > 120 / 1.05 = 114.2857142…
        let pos =
            Position { market_index: 0, base: -1_000_000_000, quote_entry: -100_000_000, margin: 20_000_000, last_cumulative_funding: 0 };
        let p = params(50_000);
        assert_eq!(liquidation_price(&pos, &p, 0), 114_285_715);
        assert!(is_liquidatable(&pos, &p, 114_285_715, 0));
        assert!(!is_liquidatable(&pos, &p, 114_285_714, 0));
    }

    #[test]
    fn the_galloping_search_agrees_with_a_plain_bisection() {
        // The definition, searched the slow way.
        fn bisected(pos: &Position, p: &MarketParams) -> i64 {
            let liq = |x: i64| is_liquidatable(pos, p, x, 0);
            let (mut lo, mut hi) = (0i64, MAX_PRICE + 1);
            if pos.base > 0 {
                // liq on [1, P]: find the last true.
                if !liq(1) {
                    return 0;
                }
                lo = 1;
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2;
                    if liq(mid) {
                        lo = mid
                    } else {
                        hi = mid
                    }
                }
                lo
            } else {
                if !liq(MAX_PRICE) {
                    return 0;
                }
                hi = MAX_PRICE;
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2;
                    if liq(mid) {
                        hi = mid
                    } else {
                        lo = mid
                    }
                }
                hi.max(1)
            }
        }
        let p = params(25_000);
        let cases = [
            (1_000_000_000, 100_050_000, 20_010_000),
            (1_000_000_000, 100_000_000, 100_000_000),
            (1_000_000_000, 100_000_000, 200_000_000),
            (-1_000_000_000, -100_000_000, 20_000_000),
            (-1_000_000_000, -100_000_000, -200_000_000),
            (-10_000_000, -1_000_501, 50_000),
            (10_000_000, 1_000_501, -2_000_000),
            (123_450_000_000, 12_345_000_000, 617_250_000),
            (1, 1, 0),
            (-1, -1, 0),
        ];
        for (base, quote_entry, margin) in cases {
            let pos = Position { market_index: 0, base, quote_entry, margin, last_cumulative_funding: 0 };
            assert_eq!(liquidation_price(&pos, &p, 0), bisected(&pos, &p), "base {base} q {quote_entry} m {margin}");
        }
    }

    #[test]
    fn a_fully_collateralised_long_has_no_liquidation_price() {
        let pos =
            Position { market_index: 0, base: 1_000_000_000, quote_entry: 100_000_000, margin: 100_000_000, last_cumulative_funding: 0 };
        assert_eq!(liquidation_price(&pos, &params(50_000), 0), 0);
    }

    #[test]
    fn pending_funding_rounds_up_for_payers_and_receivers() {
        let mut market = Market {
            index: 0,
            params: params(50_000),
            paused: false,
            long_open_interest: 0,
            short_open_interest: 0,
            cumulative_funding: 1,
            last_funding_ts: 0,
            last_funding_rate: 0,
        };
        let long = Position { market_index: 0, base: 1, quote_entry: 0, margin: 0, last_cumulative_funding: 0 };
        let short = Position { base: -1, ..long.clone() };
        assert_eq!(pending_funding(&long, &market).unwrap(), 1);
        assert_eq!(pending_funding(&short, &market).unwrap(), 0);
        market.cumulative_funding = -1;
        assert_eq!(pending_funding(&long, &market).unwrap(), 0);
        assert_eq!(pending_funding(&short, &market).unwrap(), 1);
    }
}
