use crate::vectors::fixtures::*;
use crate::vectors::Suite;
use perp_engine::state::Side;
use perp_engine::{apply, ErrorCode};

pub fn cases() -> Suite {
    let mut s = Suite::default();
    let w = world();
    let at100 = sol_at(100 * USD);

    // Exact collateral: what 1 SOL at 10x costs (margin + fee), measured on alice.
    let after = run(&w, market_order(alice(), SOL, Side::Buy, ONE_SOL, 10), &at100);
    let cost = w.users[0].collateral - after.users[0].collateral;
    let exact = create_user(&w, mallory(), None, cost);
    s.ok(
        "collateral_exactly_covers_margin_and_fee",
        "Mallory's collateral equals margin ceil(100.05/10) plus fee ceil(100.05 x 5 bps): the order fills and leaves 0.",
        &exact,
        market_order(mallory(), SOL, Side::Buy, ONE_SOL, 10),
        &at100,
    );
    let short_by_one = create_user(&w, mallory(), None, cost - 1);
    s.err(
        ErrorCode::InsufficientCollateral,
        "collateral_one_unit_short",
        "One collateral unit less and the same order fails (limit = collateral, value = margin + fee).",
        &short_by_one,
        market_order(mallory(), SOL, Side::Buy, ONE_SOL, 10),
        &at100,
    );

    // The largest size bob's 1000 USDC carries at 20x, to the lot.
    let lot = sol_params().lot_size;
    let fits = |lots: i64| apply(&w, &market_order(bob(), SOL, Side::Buy, lots as u64 * lot, 20), &at100).is_ok();
    let max_lots = last_passing(1, 100_000, fits) as u64;
    s.ok(
        "largest_affordable_size",
        "The largest number of lots whose margin and fee fit bob's 1000 USDC at 20x.",
        &w,
        market_order(bob(), SOL, Side::Buy, max_lots * lot, 20),
        &at100,
    );
    s.err(
        ErrorCode::InsufficientCollateral,
        "one_lot_more_than_affordable",
        "One lot more does not fit.",
        &w,
        market_order(bob(), SOL, Side::Buy, (max_lots + 1) * lot, 20),
        &at100,
    );

    s.ok(
        "max_leverage_passes_initial_margin",
        "20x on SOL: margin 5% of notional stays above the 4% initial margin after the spread.",
        &w,
        market_order(alice(), SOL, Side::Buy, 3 * ONE_SOL, 20),
        &at100,
    );
    s.err(
        ErrorCode::InitialMarginViolated,
        "max_leverage_fails_initial_margin_when_imr_is_its_inverse",
        "BTC-PERP has imr 10% and max 10x: at 10x the spread alone leaves equity under 10% of notional.",
        &w,
        market_order(alice(), BTC, Side::Buy, ONE_BTC / 10, 10),
        &btc_at(60_000 * USD),
    );

    // Growing an underwater long: initial margin is checked on the whole position at the oracle.
    let long = with_sol_position(Side::Buy, ONE_SOL, 5, 100 * USD);
    let grow = market_order(alice(), SOL, Side::Buy, ONE_SOL, 20);
    let boundary = first_passing(50 * USD, 100 * USD, |p| apply(&long, &grow, &sol_at(p)).is_ok());
    s.ok(
        "grow_position_at_initial_margin_boundary",
        "At the lowest oracle price where the grown position still meets initial margin, the order fills.",
        &long,
        grow.clone(),
        &sol_at(boundary),
    );
    s.err(
        ErrorCode::InitialMarginViolated,
        "grow_position_one_price_unit_below_boundary",
        "One price unit (1e-6 USD) lower, the grown position is under initial margin (limit = requirement, value = equity).",
        &long,
        grow,
        &sol_at(boundary - 1),
    );
    s
}
