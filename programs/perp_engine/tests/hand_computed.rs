//! Key numbers worked out by hand (in the comments) and checked against the engine,
//! so the shared vectors — which record the engine's own outputs — are anchored to
//! arithmetic done independently of it.

mod common;

use common::*;
use perp_engine::instructions::ClosePositionArgs;
use perp_engine::risk::{base_unit, equity, is_liquidatable, liquidation_price, requirement, value};
use perp_engine::state::{OrderKind, Position, Side};
use perp_engine::{Event, Instruction, State};

/// Alice opens 1 SOL long at 5x with the oracle at 100.
fn five_x_long() -> State {
    step(&world(), order(ALICE, OrderKind::Market, Side::Buy, ONE_SOL, 0, 5), &at(100 * USD, NOW)).0
}

#[test]
fn opening_a_5x_long_locks_margin_and_charges_the_taker_fee() {
    let before = world();
    let after = five_x_long();
    // Fill: 100 × (1 + 0.0005) = 100.05, already on the 0.001 tick.
    // Cost basis 1 SOL × 100.05 = 100.05 USDC; margin 100.05 / 5 = 20.01 USDC.
    // Taker fee: 100.05 × 0.0005 = 0.050025 USDC; 20% (0.010005) to insurance, 0.04002 to the vault.
    let p = &after.users[0].positions[0];
    assert_eq!((p.base, p.quote_entry, p.margin), (1_000_000_000, 100_050_000, 20_010_000));
    assert_eq!(before.users[0].collateral - after.users[0].collateral, 20_010_000 + 50_025);
    let (ex0, ex1) = (before.exchange.unwrap(), after.exchange.unwrap());
    assert_eq!(ex1.insurance_fund - ex0.insurance_fund, 10_005);
    assert_eq!(ex1.liquidity_vault - ex0.liquidity_vault, 40_020);
    assert_eq!(after.markets[0].long_open_interest, ONE_SOL);
}

#[test]
fn liquidation_price_of_the_5x_long() {
    // Liquidatable when margin + (P − entry) < mmr × P:
    //   20.01 + P − 100.05 < 0.025 P  ⇔  P < 80.04 / 0.975 = 82.0923076…
    // The highest such price on the 1e-6 grid is 82.092307.
    let s = five_x_long();
    let p = &s.users[0].positions[0];
    assert_eq!(liquidation_price(p, &s.markets[0].params, 0), 82_092_307);
}

#[test]
fn a_position_at_its_liquidation_price_is_at_maintenance_margin_within_one_unit() {
    let params = sol();
    let unit = base_unit(&params);
    let positions = [
        Position { market_index: 0, base: 1_000_000_000, quote_entry: 100_050_000, margin: 20_010_000, last_cumulative_funding: 0 },
        Position { market_index: 0, base: 10_000_000, quote_entry: 1_000_501, margin: 50_026, last_cumulative_funding: 0 },
        Position { market_index: 0, base: -2_370_000_000, quote_entry: -236_881_500, margin: 33_840_215, last_cumulative_funding: 0 },
        Position { market_index: 0, base: 123_450_000_000, quote_entry: 12_345_000_000, margin: 617_250_000, last_cumulative_funding: 0 },
    ];
    for p in positions {
        let liq = liquidation_price(&p, &params, 0);
        assert!(liq > 0);
        let maintenance = requirement(value(p.base, liq, unit), params.maintenance_margin_ppm);
        let gap = maintenance - equity(&p, liq, 0, unit);
        // Just past maintenance, by no more than one price unit's worth of the position
        // (|base| / 10^decimals, rounded up) plus one unit of rounding.
        let one_price_unit = (p.base.unsigned_abs() as i128 + unit - 1) / unit;
        assert!(gap > 0 && gap <= one_price_unit + 1, "base {}: gap {gap}", p.base);
        let safe_side = if p.base > 0 { liq + 1 } else { liq - 1 };
        assert!(is_liquidatable(&p, &params, liq, 0) && !is_liquidatable(&p, &params, safe_side, 0));
    }
}

#[test]
fn liquidation_at_82_splits_the_one_percent_fee() {
    // At oracle 82: realized = 82 − 100.05 = −18.05; equity = 20.01 − 18.05 = 1.96.
    // Maintenance 2.5% × 82 = 2.05 > 1.96, so the long is liquidatable.
    // Fee 1% × 82 = 0.82 (below the 1.96 equity): 0.41 to bob, 0.41 to insurance;
    // alice gets 1.96 − 0.82 = 1.14 back; the vault gains the 18.05 loss.
    let before = five_x_long();
    let (after, events) =
        step(&before, Instruction::Liquidate { signer: key(BOB), owner: key(ALICE), market_index: 0 }, &at(82 * USD, NOW));
    assert!(matches!(
        events[0],
        Event::Liquidated {
            liquidation_fee: 820_000,
            liquidator_reward: 410_000,
            insurance_fee: 410_000,
            payout: 1_140_000,
            bad_debt: 0,
            realized_pnl: -18_050_000,
            ..
        }
    ));
    assert_eq!(after.users[0].collateral - before.users[0].collateral, 1_140_000);
    assert_eq!(after.users[1].collateral - before.users[1].collateral, 410_000);
    let (ex0, ex1) = (before.exchange.unwrap(), after.exchange.unwrap());
    assert_eq!(ex1.insurance_fund - ex0.insurance_fund, 410_000);
    assert_eq!(ex1.liquidity_vault - ex0.liquidity_vault, 18_050_000);
    assert!(after.users[0].positions.is_empty());
}

#[test]
fn longs_pay_funding_when_they_dominate() {
    // Only longs: rate = max = 0.01% per hour. Two hours at oracle 100 on 1 SOL:
    // 1 × 100 × 0.0001 × 2 = 0.02 USDC, paid from the position's margin to the vault.
    let s = five_x_long();
    let later = NOW + 2 * 3_600;
    let (s, events) = step(&s, Instruction::SettleFunding { market_index: 0 }, &at(100 * USD, later));
    assert!(matches!(events[0], Event::FundingSettled { rate: 100_000, intervals: 2, .. }));
    let close =
        Instruction::ClosePosition(ClosePositionArgs { signer: key(ALICE), owner: key(ALICE), market_index: 0, size: 0, price_limit: 0 });
    let (_, events) = step(&s, close, &at(100 * USD, later));
    assert!(matches!(events[0], Event::FundingPaid { amount: 20_000, .. }));
}

#[test]
fn shorts_receive_funding_rounded_down_and_longs_pay_rounded_up() {
    // 2 SOL long (alice) vs 1 SOL short (bob): rate = 100000 × (2 − 1) / 3 = 33333 (1e-9),
    // index += 33333 × 100 USD per hour. After one hour the long owes
    // 2 × 33333e-9 × 100 = 0.0066666 → 0.006667 (up); the short receives 0.0033333 → 0.003333 (down).
    let env = at(100 * USD, NOW);
    let s = step(&world(), order(ALICE, OrderKind::Market, Side::Buy, 2 * ONE_SOL, 0, 5), &env).0;
    let s = step(&s, order(BOB, OrderKind::Market, Side::Sell, ONE_SOL, 0, 5), &env).0;
    let later = at(100 * USD, NOW + 3_600);
    let s = step(&s, Instruction::SettleFunding { market_index: 0 }, &later).0;
    let close =
        |who| Instruction::ClosePosition(ClosePositionArgs { signer: key(who), owner: key(who), market_index: 0, size: 0, price_limit: 0 });
    assert!(matches!(step(&s, close(ALICE), &later).1[0], Event::FundingPaid { amount: 6_667, .. }));
    assert!(matches!(step(&s, close(BOB), &later).1[0], Event::FundingPaid { amount: -3_333, .. }));
}

#[test]
fn partial_close_of_the_5x_long() {
    // Close 0.3 SOL at oracle 110: taker sell 110 × 0.9995 = 109.945.
    // Exit value 0.3 × 109.945 = 32.9835; cost basis removed 0.3 × 100.05 = 30.015;
    // realized 2.9685; fee 32.9835 × 0.0005 = 0.01649175 → 0.016492 (up).
    // Margin after PnL and fee: 20.01 + 2.9685 − 0.016492 = 22.962008;
    // 30% of it returns: 6.8886024 → 6.888602 (down); 16.073406 stays with 0.7 SOL.
    let before = five_x_long();
    let close = Instruction::ClosePosition(ClosePositionArgs {
        signer: key(ALICE),
        owner: key(ALICE),
        market_index: 0,
        size: 300_000_000,
        price_limit: 0,
    });
    let (after, events) = step(&before, close, &at(110 * USD, NOW));
    assert!(matches!(events[0], Event::OrderFilled { price: 109_945_000, realized_pnl: 2_968_500, fee: 16_492, .. }));
    assert_eq!(after.users[0].collateral - before.users[0].collateral, 6_888_602);
    let p = &after.users[0].positions[0];
    assert_eq!((p.base, p.quote_entry, p.margin), (700_000_000, 70_035_000, 16_073_406));
}

#[test]
fn resting_limit_buy_fills_at_its_limit_with_the_maker_fee() {
    // Buy 1 SOL limit at 95 with the oracle at 100 rests: reserved = 95/5 + 95 × 0.0002
    // = 19 + 0.019 = 19.019 USDC. At oracle 94.9 the taker buy 94.9 × 1.0005 = 94.94745
    // → 94.948 ≤ 95, so it fills at 95 as maker, using exactly the reservation.
    let s = world();
    let (resting, _) = step(&s, order(ALICE, OrderKind::Limit, Side::Buy, ONE_SOL, 95 * USD, 5), &at(100 * USD, NOW));
    assert_eq!(resting.orders[0].reserved, 19_019_000);
    assert_eq!(s.users[0].collateral - resting.users[0].collateral, 19_019_000);
    let (filled, events) = step(&resting, Instruction::TriggerOrder { owner: key(ALICE), order_id: 0 }, &at(94_900_000, NOW));
    assert!(matches!(events[0], Event::OrderFilled { price: 95_000_000, maker: true, fee: 19_000, .. }));
    assert_eq!(filled.users[0].collateral, resting.users[0].collateral);
    assert!(filled.orders.is_empty());
}
