//! Properties over long pseudo-random instruction sequences (a fixed-seed
//! xorshift generator, so failures reproduce):
//! - collateral is conserved: free collateral + position margins + order
//!   reservations + liquidity vault + insurance fund changes only by the amount of a
//!   deposit, withdrawal or pool funding;
//! - open interest equals the sum of position bases; open-order counters match the
//!   resting orders; positions are sorted, non-zero and within the slot limit;
//! - every open position's liquidation price is exactly the boundary: liquidatable
//!   there, safe one price unit on the other side;
//! - a failed instruction leaves the state untouched (`apply` returns no state).

mod common;

use common::*;
use perp_engine::instructions::{ClosePositionArgs, PlaceOrderArgs};
use perp_engine::risk::{is_liquidatable, liquidation_price, pending_funding};
use perp_engine::state::{OrderKind, Pool, Side, MAX_POSITIONS};
use perp_engine::{apply, Instruction, State};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

const TRADERS: [u8; 2] = [ALICE, BOB];

fn random_instruction(rng: &mut Rng, state: &State) -> Instruction {
    let who = rng.pick(&TRADERS);
    let side = rng.pick(&[Side::Buy, Side::Sell]);
    let size = (1 + rng.below(300)) * 10_000_000 + rng.below(3) * 1_234_567;
    match rng.below(12) {
        0 => Instruction::Deposit { owner: key(who), amount: rng.below(2_000_000_000) },
        1 => Instruction::Withdraw { signer: key(who), owner: key(who), amount: rng.below(3_000_000_000) },
        2..=4 => {
            let kind = rng.pick(&[OrderKind::Market, OrderKind::Limit, OrderKind::StopLoss, OrderKind::TakeProfit]);
            let price = 60 * USD + rng.below(80 * USD as u64) as i64;
            Instruction::PlaceOrder(PlaceOrderArgs {
                signer: key(who),
                owner: key(who),
                market_index: 0,
                kind,
                side,
                size,
                price: if kind == OrderKind::Limit || rng.below(3) == 0 { price } else { 0 },
                trigger_price: price,
                reduce_only: rng.below(4) == 0,
                client_order_id: rng.next(),
                leverage: 1 + rng.below(22) as u16,
            })
        }
        5 => Instruction::ClosePosition(ClosePositionArgs {
            signer: key(who),
            owner: key(who),
            market_index: 0,
            size: rng.pick(&[0, size]),
            price_limit: 0,
        }),
        6 | 7 => match state.orders.get(rng.below(state.orders.len().max(1) as u64) as usize) {
            Some(o) if rng.below(3) == 0 => Instruction::CancelOrder { signer: o.owner, owner: o.owner, order_id: o.id },
            Some(o) => Instruction::TriggerOrder { owner: o.owner, order_id: o.id },
            None => Instruction::SettleFunding { market_index: 0 },
        },
        8 => Instruction::SettleFunding { market_index: 0 },
        9 | 10 => Instruction::Liquidate { signer: key(if who == ALICE { BOB } else { ALICE }), owner: key(who), market_index: 0 },
        _ => Instruction::FundPool {
            signer: key(ADMIN),
            pool: rng.pick(&[Pool::Liquidity, Pool::Insurance]),
            amount: rng.below(1_000_000_000),
        },
    }
}

/// How much an instruction may change the total: exactly its amount for money
/// moving in or out of the program, zero for everything else.
fn external_flow(ix: &Instruction) -> i128 {
    match ix {
        Instruction::Deposit { amount, .. } | Instruction::FundPool { amount, .. } => *amount as i128,
        Instruction::Withdraw { amount, .. } => -(*amount as i128),
        _ => 0,
    }
}

fn check_invariants(state: &State) {
    let market = &state.markets[0];
    let positions = state.users.iter().flat_map(|u| &u.positions);
    let long: u64 = positions.clone().map(|p| p.base.max(0) as u64).sum();
    let short: u64 = positions.map(|p| p.base.min(0).unsigned_abs()).sum();
    assert_eq!((market.long_open_interest, market.short_open_interest), (long, short));
    for user in &state.users {
        assert_eq!(user.open_orders as usize, state.orders.iter().filter(|o| o.owner == user.owner).count());
        assert!(user.positions.len() <= MAX_POSITIONS);
        assert!(user.positions.windows(2).all(|w| w[0].market_index < w[1].market_index));
        assert!(user.positions.iter().all(|p| p.base != 0 && p.base.signum() == p.quote_entry.signum()));
        assert!(user.positions.iter().all(|p| p.base.unsigned_abs() % market.params.lot_size == 0));
        for p in &user.positions {
            let pending = pending_funding(p, market).unwrap();
            let liq = liquidation_price(p, &market.params, pending);
            if liq > 0 {
                let safe_side = if p.base > 0 { liq + 1 } else { liq - 1 };
                assert!(is_liquidatable(p, &market.params, liq, pending), "{p:?} at {liq}");
                assert!(safe_side == 0 || !is_liquidatable(p, &market.params, safe_side, pending), "{p:?} at {safe_side}");
            }
        }
    }
}

#[test]
fn collateral_is_conserved_and_invariants_hold_over_random_sequences() {
    let mut applied = 0;
    for seed in 1..=60u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let mut state = world();
        let (mut price, mut now) = (100 * USD, NOW);
        for _ in 0..400 {
            // A random walk with occasional jumps, so stops, limits and liquidations fire.
            let jump = if rng.below(20) == 0 { 15 } else { 2 };
            let delta = rng.below(2 * jump * USD as u64 + 1) as i64 - jump as i64 * USD;
            price = (price + delta).clamp(40 * USD, 200 * USD);
            now += rng.below(1_800) as i64;
            let ix = random_instruction(&mut rng, &state);
            let before = state.total_collateral();
            if let Ok((next, _)) = apply(&state, &ix, &at(price, now)) {
                assert_eq!(next.total_collateral() - before, external_flow(&ix), "seed {seed}: {ix:?} broke conservation");
                check_invariants(&next);
                state = next;
                applied += 1;
            }
        }
    }
    // The sequences must exercise the engine, not just bounce off errors.
    assert!(applied > 8_000, "only {applied} instructions succeeded");
}
