use crate::vectors::fixtures::*;
use crate::vectors::Suite;
use perp_engine::state::Side;
use perp_engine::{ErrorCode, Instruction};

const HOUR: i64 = 3_600;

fn settle() -> Instruction {
    Instruction::SettleFunding { market_index: SOL }
}

pub fn cases() -> Suite {
    let mut s = Suite::default();
    let after = |seconds: i64, price: i64| at_time(&sol_at(price), NOW + seconds);

    let long_only = with_sol_position(Side::Buy, ONE_SOL, 5, 100 * USD);
    s.ok(
        "longs_pay_when_longs_dominate",
        "Only longs open: the rate is +max (100000e-9 = 0.01% per hour) and the index grows by rate x oracle.",
        &long_only,
        settle(),
        &after(HOUR, 100 * USD),
    );
    s.ok(
        "funding_accrues_per_whole_interval",
        "3 hours and 100 seconds later, 3 intervals accrue and the clock of the last settlement moves by exactly 3 hours.",
        &long_only,
        settle(),
        &after(3 * HOUR + 100, 100 * USD),
    );
    s.err(
        ErrorCode::FundingNotDue,
        "funding_not_due",
        "One second before the hour (limit = next settlement time, value = now).",
        &long_only,
        settle(),
        &after(HOUR - 1, 100 * USD),
    );

    let balanced = open_sol(&long_only, bob(), Side::Sell, ONE_SOL, 5, 100 * USD);
    s.ok("balanced_open_interest_pays_nothing", "Equal long and short interest: rate 0.", &balanced, settle(), &after(HOUR, 100 * USD));

    let shorts_heavy = open_sol(&long_only, bob(), Side::Sell, 2 * ONE_SOL, 5, 100 * USD);
    s.ok(
        "shorts_pay_when_shorts_dominate",
        "1 SOL long vs 2 SOL short: rate = 100000 x (1 - 2) / 3, truncated toward zero = -33333.",
        &shorts_heavy,
        settle(),
        &after(HOUR, 100 * USD),
    );

    // Realizing funding when positions are touched.
    let longs_heavy = open_sol(&with_sol_position(Side::Buy, 2 * ONE_SOL, 5, 100 * USD), bob(), Side::Sell, ONE_SOL, 5, 100 * USD);
    let positive = run(&longs_heavy, settle(), &after(2 * HOUR, 100 * USD));
    s.ok(
        "long_pays_funding_on_close",
        "After two intervals at +33333e-9 the 2 SOL long pays ceil(2 x 2 x 33333e-9 x 100) = 0.013334 USDC when it closes.",
        &positive,
        close(alice(), SOL, 0, 0),
        &after(2 * HOUR, 100 * USD),
    );
    s.ok(
        "short_receives_funding_on_close",
        "The 1 SOL short receives 0.006666 USDC (rounded down) when it closes.",
        &positive,
        close(bob(), SOL, 0, 0),
        &after(2 * HOUR, 100 * USD),
    );

    let negative = run(&shorts_heavy, settle(), &after(HOUR, 100 * USD));
    s.ok(
        "long_receives_funding_when_rate_negative",
        "With a negative rate the long receives funding on close.",
        &negative,
        close(alice(), SOL, 0, 0),
        &after(HOUR, 100 * USD),
    );
    s.ok(
        "short_pays_funding_when_rate_negative",
        "With a negative rate the short pays funding on close.",
        &negative,
        close(bob(), SOL, 0, 0),
        &after(HOUR, 100 * USD),
    );
    s.ok(
        "funding_settles_before_growing_a_position",
        "Growing the long first realizes its pending funding into margin, then restarts its funding clock.",
        &positive,
        market_order(alice(), SOL, Side::Buy, ONE_SOL, 5),
        &after(2 * HOUR, 100 * USD),
    );

    let paused = run(&long_only, Instruction::SetPaused { signer: admin(), market_index: Some(SOL), paused: true }, &sol_at(100 * USD));
    s.err(
        ErrorCode::MarketPaused,
        "funding_on_paused_market",
        "Funding does not settle while the market is paused.",
        &paused,
        settle(),
        &after(HOUR, 100 * USD),
    );
    s.err(
        ErrorCode::MarketNotFound,
        "funding_unknown_market",
        "Market 9 does not exist.",
        &long_only,
        Instruction::SettleFunding { market_index: 9 },
        &after(HOUR, 100 * USD),
    );
    let mut stale = after(HOUR, 100 * USD);
    stale.oracle.publish_time = NOW + HOUR - 61;
    s.err(
        ErrorCode::OracleStale,
        "funding_with_stale_oracle",
        "Funding reads the oracle and refuses a 61 s old price.",
        &long_only,
        settle(),
        &stale,
    );
    s
}
