//! A small world for the engine's own tests: one exchange, a SOL market, funded pools.

#![allow(dead_code)] // each test file uses a different part of this module

use perp_engine::instructions::{AddMarketArgs, InitializeExchangeArgs, PlaceOrderArgs};
use perp_engine::state::{ExchangeParams, Key, MarketParams, OrderKind, Pool, Side};
use perp_engine::{apply, Env, Event, Instruction, OracleInput, State};

pub const NOW: i64 = 1_700_000_000;
pub const ONE_SOL: u64 = 1_000_000_000;
pub const USD: i64 = 1_000_000;
pub const FEED: [u8; 32] = [0xef; 32];

pub fn key(n: u8) -> Key {
    [n; 32]
}
pub const ADMIN: u8 = 1;
pub const ALICE: u8 = 2;
pub const BOB: u8 = 3;

/// SOL-PERP: 9 decimals, 20x, imr 4%, mmr 2.5%, tick 0.001, lot 0.01, taker 5 bps,
/// maker 2 bps, spread 5 bps, hourly funding up to 0.01%.
pub fn sol() -> MarketParams {
    MarketParams {
        symbol: "SOL-PERP".into(),
        pyth_feed_id: FEED,
        base_decimals: 9,
        max_leverage: 20,
        initial_margin_ppm: 40_000,
        maintenance_margin_ppm: 25_000,
        tick_size: 1_000,
        lot_size: 10_000_000,
        taker_fee_ppm: 500,
        maker_fee_ppm: 200,
        spread_ppm: 500,
        oracle_max_age_secs: 60,
        max_conf_ppm: 10_000,
        funding_interval_secs: 3_600,
        max_funding_rate: 100_000,
    }
}

/// Oracle at `price` engine units (10^-6 USD), exponent -6, tiny confidence.
pub fn at(price: i64, now: i64) -> Env {
    Env { oracle: OracleInput { feed_id: FEED, price, conf: 1, exponent: -6, publish_time: now, fully_verified: true }, now }
}

pub fn step(state: &State, ix: Instruction, env: &Env) -> (State, Vec<Event>) {
    apply(state, &ix, env).unwrap_or_else(|e| panic!("{} failed: {e}", ix.name()))
}

/// Liquidation fee 1% (half to the liquidator), 20% of trading fees to insurance;
/// 1M USDC liquidity, 10k insurance; alice and bob with 10k USDC each.
pub fn world() -> State {
    let env = at(100 * USD, NOW);
    let params = ExchangeParams { liquidation_fee_ppm: 10_000, liquidator_share_ppm: 500_000, insurance_fee_share_ppm: 200_000 };
    let mut s = step(
        &State::default(),
        Instruction::InitializeExchange(InitializeExchangeArgs { signer: key(ADMIN), collateral_mint: key(9), params }),
        &env,
    )
    .0;
    s = step(&s, Instruction::AddMarket(AddMarketArgs { signer: key(ADMIN), params: sol() }), &env).0;
    s = step(&s, Instruction::FundPool { signer: key(ADMIN), pool: Pool::Liquidity, amount: 1_000_000_000_000 }, &env).0;
    s = step(&s, Instruction::FundPool { signer: key(ADMIN), pool: Pool::Insurance, amount: 10_000_000_000 }, &env).0;
    for who in [ALICE, BOB] {
        s = step(&s, Instruction::CreateUser { signer: key(who), delegate: None }, &env).0;
        s = step(&s, Instruction::Deposit { owner: key(who), amount: 10_000_000_000 }, &env).0;
    }
    s
}

pub fn order(owner: u8, kind: OrderKind, side: Side, size: u64, price: i64, leverage: u16) -> Instruction {
    Instruction::PlaceOrder(PlaceOrderArgs {
        signer: key(owner),
        owner: key(owner),
        market_index: 0,
        kind,
        side,
        size,
        price,
        trigger_price: 0,
        reduce_only: false,
        client_order_id: 0,
        leverage,
    })
}
