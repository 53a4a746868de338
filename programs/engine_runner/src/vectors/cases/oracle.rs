use crate::vectors::fixtures::*;
use crate::vectors::Suite;
use perp_engine::state::Side;
use perp_engine::{Env, ErrorCode, Instruction};

fn buy() -> Instruction {
    market_order(alice(), SOL, Side::Buy, ONE_SOL, 5)
}

fn with(edit: impl FnOnce(&mut Env)) -> Env {
    let mut env = sol_at(100 * USD);
    edit(&mut env);
    env
}

pub fn cases() -> Suite {
    let mut s = Suite::default();
    let w = world();
    s.err(
        ErrorCode::OracleStale,
        "oracle_stale",
        "Published 61 s ago with a 60 s maximum age (limit 60, value 61).",
        &w,
        buy(),
        &with(|e| e.oracle.publish_time = NOW - 61),
    );
    s.ok("oracle_exactly_max_age", "Published exactly 60 s ago is still fresh.", &w, buy(), &with(|e| e.oracle.publish_time = NOW - 60));
    s.ok(
        "oracle_published_after_clock",
        "A publish time ahead of the clock counts as age 0.",
        &w,
        buy(),
        &with(|e| e.oracle.publish_time = NOW + 5),
    );
    s.err(
        ErrorCode::OracleConfidenceTooWide,
        "oracle_confidence_too_wide",
        "Confidence 1.5% of price against a 1% maximum (limit 10000, value 15000 ppm).",
        &w,
        buy(),
        &with(|e| e.oracle.conf = 15 * 10_000_000),
    );
    s.ok("oracle_confidence_at_maximum", "Confidence exactly 1% of price is accepted.", &w, buy(), &with(|e| e.oracle.conf = 100_000_000));
    s.err(
        ErrorCode::OracleFeedMismatch,
        "oracle_feed_mismatch",
        "A BTC/USD update passed for SOL-PERP.",
        &w,
        buy(),
        &with(|e| e.oracle.feed_id = BTC_FEED),
    );
    s.err(
        ErrorCode::OracleNotVerified,
        "oracle_partially_verified",
        "Partially verified updates are refused.",
        &w,
        buy(),
        &with(|e| e.oracle.fully_verified = false),
    );
    s.err(ErrorCode::OracleInvalidPrice, "oracle_price_zero", "A zero price.", &w, buy(), &with(|e| e.oracle.price = 0));
    s.err(
        ErrorCode::OracleInvalidPrice,
        "oracle_price_negative",
        "A negative price.",
        &w,
        buy(),
        &with(|e| e.oracle.price = -10_000_000_000),
    );
    s.err(
        ErrorCode::OracleInvalidPrice,
        "oracle_exponent_positive",
        "Exponents above 0 are unsupported.",
        &w,
        buy(),
        &with(|e| e.oracle.exponent = 1),
    );
    s.err(
        ErrorCode::OracleInvalidPrice,
        "oracle_price_below_one_micro_dollar",
        "5e-8 USD truncates to 0 at the engine's 1e-6 scale.",
        &w,
        buy(),
        &with(|e| e.oracle.price = 5),
    );
    s.ok(
        "oracle_exponent_minus_5",
        "Mantissa 10012345 with exponent -5 is 100.12345 USD = 100123450 engine units.",
        &w,
        buy(),
        &with(|e| {
            e.oracle.price = 10_012_345;
            e.oracle.conf = 5_000;
            e.oracle.exponent = -5;
        }),
    );
    s.ok(
        "oracle_exponent_minus_10_truncates",
        "Mantissa 1001234567890 with exponent -10 is 100.123456789 USD, truncated to 100123456.",
        &w,
        buy(),
        &with(|e| {
            e.oracle.price = 1_001_234_567_890;
            e.oracle.conf = 500_000_000;
            e.oracle.exponent = -10;
        }),
    );

    let long = with_sol_position(Side::Buy, ONE_SOL, 5, 100 * USD);
    s.err(
        ErrorCode::OracleStale,
        "close_with_stale_oracle",
        "Closing reads the oracle too.",
        &long,
        close(alice(), SOL, 0, 0),
        &with(|e| e.oracle.publish_time = NOW - 100),
    );
    s.err(
        ErrorCode::OracleConfidenceTooWide,
        "liquidate_with_wide_oracle",
        "So does liquidation.",
        &long,
        Instruction::Liquidate { signer: bob(), owner: alice(), market_index: SOL },
        &with(|e| e.oracle.conf = 2 * 100_000_000),
    );
    s
}
