use crate::vectors::fixtures::*;
use crate::vectors::Suite;
use perp_engine::risk::liquidation_price;
use perp_engine::state::{Key, Side};
use perp_engine::{ErrorCode, Instruction, State};

fn liquidate(signer: Key, owner: Key) -> Instruction {
    Instruction::Liquidate { signer, owner, market_index: SOL }
}

fn sol_liquidation_price(state: &State) -> i64 {
    let position = state.users[0].position(SOL).expect("alice holds a SOL position");
    liquidation_price(position, &state.markets[SOL as usize].params, 0)
}

pub fn cases() -> Suite {
    let mut s = Suite::default();

    let long = with_sol_position(Side::Buy, 10 * ONE_SOL, 10, 100 * USD);
    let p = sol_liquidation_price(&long);
    s.ok("long_at_liquidation_price", "At its liquidation price (the highest oracle price where equity < maintenance) the 10 SOL 10x long is liquidated: 1% fee, half to bob, half to insurance; the rest of the equity returns to alice.", &long, liquidate(bob(), alice()), &sol_at(p));
    s.err(
        ErrorCode::NotLiquidatable,
        "long_one_price_unit_above_liquidation_price",
        "One price unit higher the long meets maintenance margin (limit = requirement, value = equity).",
        &long,
        liquidate(bob(), alice()),
        &sol_at(p + 1),
    );

    let short = with_sol_position(Side::Sell, 370_000_000, 7, 100_000_100);
    let p = sol_liquidation_price(&short);
    s.ok(
        "short_at_liquidation_price",
        "At its liquidation price (the lowest oracle price where equity < maintenance) the 0.37 SOL 7x short is liquidated.",
        &short,
        liquidate(bob(), alice()),
        &sol_at(p),
    );
    s.err(
        ErrorCode::NotLiquidatable,
        "short_one_price_unit_below_liquidation_price",
        "One price unit lower the short meets maintenance margin.",
        &short,
        liquidate(bob(), alice()),
        &sol_at(p - 1),
    );

    let risky = with_sol_position(Side::Buy, ONE_SOL, 20, 100 * USD);
    s.ok("liquidation_fee_capped_at_equity", "At oracle 95.5 the 20x long has 0.45 USDC of equity left, less than the 0.955 fee: the fee takes all of it and alice gets nothing back.", &risky, liquidate(bob(), alice()), &sol_at(95_500_000));
    s.ok(
        "liquidation_bad_debt_covered_by_insurance",
        "At oracle 90 the 20x long is 5.05 USDC under water: no fee, the insurance fund covers the shortfall.",
        &risky,
        liquidate(bob(), alice()),
        &sol_at(90 * USD),
    );
    let poor_insurance = open_sol(&world_funded(1_000_000 * USDC, 2 * USDC), alice(), Side::Buy, ONE_SOL, 20, 100 * USD);
    s.ok(
        "liquidation_bad_debt_beyond_insurance",
        "With 2 USDC (plus fee share) in insurance the fund is emptied and the vault absorbs the rest.",
        &poor_insurance,
        liquidate(bob(), alice()),
        &sol_at(90 * USD),
    );

    s.err(
        ErrorCode::CannotLiquidateSelf,
        "liquidate_self",
        "Alice can't liquidate her own position.",
        &risky,
        liquidate(alice(), alice()),
        &sol_at(90 * USD),
    );
    s.err(
        ErrorCode::UserNotFound,
        "liquidator_without_account",
        "The reward goes to the liquidator's account, so mallory needs one.",
        &risky,
        liquidate(mallory(), alice()),
        &sol_at(90 * USD),
    );
    s.err(
        ErrorCode::NoPosition,
        "liquidate_without_position",
        "Bob has nothing to liquidate.",
        &risky,
        liquidate(alice(), bob()),
        &sol_at(90 * USD),
    );
    let paused = run(&risky, Instruction::SetPaused { signer: admin(), market_index: Some(SOL), paused: true }, &sol_at(100 * USD));
    s.err(
        ErrorCode::MarketPaused,
        "liquidate_on_paused_market",
        "Liquidations halt with the market.",
        &paused,
        liquidate(bob(), alice()),
        &sol_at(90 * USD),
    );

    // Funding owed counts toward health: one price unit above the liquidation price the
    // long survives, but after 24 hours of paying funding it does not.
    let later = NOW + 24 * 3_600;
    let p = sol_liquidation_price(&long);
    let funded = run(&long, Instruction::SettleFunding { market_index: SOL }, &at_time(&sol_at(p + 1), later));
    s.ok("liquidation_after_funding_payments", "24 hourly funding payments (longs pay 0.01% per hour at full imbalance) push the long under maintenance one unit above its original liquidation price; the funding is settled first.", &funded, liquidate(bob(), alice()), &at_time(&sol_at(p + 1), later));
    s
}
