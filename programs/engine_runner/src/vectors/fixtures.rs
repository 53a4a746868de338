//! Worlds the vector cases start from: an exchange with a SOL and a BTC market,
//! funded pools, and two traders. Positions are opened through the engine itself,
//! so every starting state is one the engine can actually reach.

use perp_engine::instructions::{AddMarketArgs, ClosePositionArgs, PlaceOrderArgs};
use perp_engine::state::{ExchangeParams, Key, MarketParams, OrderKind, Pool, Side};
use perp_engine::{apply, Env, Instruction, OracleInput, State};

/// The clock of every case unless a case says otherwise.
pub const NOW: i64 = 1_700_000_000;
pub const SOL: u16 = 0;
pub const BTC: u16 = 1;
/// 1 SOL in base units (9 decimals) and 1 BTC (8 decimals).
pub const ONE_SOL: u64 = 1_000_000_000;
pub const ONE_BTC: u64 = 100_000_000;
/// 1 USDC in collateral units.
pub const USDC: u64 = 1_000_000;
/// Prices in engine units (10^-6 USD).
pub const USD: i64 = 1_000_000;

/// Pyth's SOL/USD and BTC/USD feed ids.
pub const SOL_FEED: [u8; 32] = hex32("ef0d8b6fda2ceba41da15d4095d1da392a0d2f8ed0c6c7bc0f4cfac8c280b56d");
pub const BTC_FEED: [u8; 32] = hex32("e62df6c8b4a85fe1a67db44dc12de5db330f7ac66b72dc658afedf0f4a415b43");

const fn hex32(s: &str) -> [u8; 32] {
    let b = s.as_bytes();
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = nibble(b[2 * i]) * 16 + nibble(b[2 * i + 1]);
        i += 1;
    }
    out
}

const fn nibble(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        _ => c - b'a' + 10,
    }
}

/// A readable, deterministic key: the label's bytes, padded.
pub fn key(label: &str) -> Key {
    let mut k = [7u8; 32];
    k[..label.len()].copy_from_slice(label.as_bytes());
    k
}

pub fn admin() -> Key {
    key("admin")
}
pub fn alice() -> Key {
    key("alice")
}
/// Alice's trading delegate.
pub fn dave() -> Key {
    key("dave")
}
/// A second trader, also the usual liquidator.
pub fn bob() -> Key {
    key("bob")
}
pub fn mallory() -> Key {
    key("mallory")
}

pub fn exchange_params() -> ExchangeParams {
    ExchangeParams { liquidation_fee_ppm: 10_000, liquidator_share_ppm: 500_000, insurance_fee_share_ppm: 200_000 }
}

pub fn sol_params() -> MarketParams {
    MarketParams {
        symbol: "SOL-PERP".into(),
        pyth_feed_id: SOL_FEED,
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

pub fn btc_params() -> MarketParams {
    MarketParams {
        symbol: "BTC-PERP".into(),
        pyth_feed_id: BTC_FEED,
        base_decimals: 8,
        max_leverage: 10,
        initial_margin_ppm: 100_000,
        maintenance_margin_ppm: 50_000,
        tick_size: 100_000,
        lot_size: 100_000,
        taker_fee_ppm: 600,
        maker_fee_ppm: 200,
        spread_ppm: 300,
        oracle_max_age_secs: 30,
        max_conf_ppm: 5_000,
        funding_interval_secs: 28_800,
        max_funding_rate: 500_000,
    }
}

/// A Pyth-style update at `price` (engine units) published two seconds before NOW
/// with exponent -8 and a 0.05% confidence interval.
pub fn oracle(feed: [u8; 32], price: i64) -> OracleInput {
    OracleInput {
        feed_id: feed,
        price: price * 100,
        conf: (price * 100 / 2_000) as u64,
        exponent: -8,
        publish_time: NOW - 2,
        fully_verified: true,
    }
}

pub fn sol_at(price: i64) -> Env {
    Env { oracle: oracle(SOL_FEED, price), now: NOW }
}

pub fn btc_at(price: i64) -> Env {
    Env { oracle: oracle(BTC_FEED, price), now: NOW }
}

/// The environment of instructions that read no price.
pub fn no_price() -> Env {
    sol_at(100 * USD)
}

/// Applies instructions that must succeed while building a world.
pub fn run(state: &State, instruction: Instruction, env: &Env) -> State {
    match apply(state, &instruction, env) {
        Ok((next, _)) => next,
        Err(e) => panic!("fixture step {} failed: {e}", instruction.name()),
    }
}

pub fn init_exchange() -> State {
    run(
        &State::default(),
        Instruction::InitializeExchange(perp_engine::instructions::InitializeExchangeArgs {
            signer: admin(),
            collateral_mint: key("usdc-mint"),
            params: exchange_params(),
        }),
        &no_price(),
    )
}

pub fn add_market(state: &State, params: MarketParams) -> State {
    run(state, Instruction::AddMarket(AddMarketArgs { signer: admin(), params }), &no_price())
}

pub fn create_user(state: &State, owner: Key, delegate: Option<Key>, collateral: u64) -> State {
    let s = run(state, Instruction::CreateUser { signer: owner, delegate }, &no_price());
    if collateral == 0 {
        return s;
    }
    run(&s, Instruction::Deposit { owner, amount: collateral }, &no_price())
}

pub fn fund(state: &State, pool: Pool, amount: u64) -> State {
    run(state, Instruction::FundPool { signer: admin(), pool, amount }, &no_price())
}

/// Exchange + SOL and BTC markets + 1M USDC liquidity + 10k insurance; alice
/// (10k USDC, delegate dave) and bob (1k USDC).
pub fn world() -> State {
    world_funded(1_000_000 * USDC, 10_000 * USDC)
}

/// `world()` with other pool balances.
pub fn world_funded(liquidity: u64, insurance: u64) -> State {
    let s = add_market(&add_market(&init_exchange(), sol_params()), btc_params());
    let s = fund(&fund(&s, Pool::Liquidity, liquidity), Pool::Insurance, insurance);
    let s = create_user(&s, alice(), Some(dave()), 10_000 * USDC);
    create_user(&s, bob(), None, 1_000 * USDC)
}

pub fn order(owner: Key, market_index: u16, kind: OrderKind, side: Side, size: u64, price: i64, leverage: u16) -> PlaceOrderArgs {
    PlaceOrderArgs {
        signer: owner,
        owner,
        market_index,
        kind,
        side,
        size,
        price,
        trigger_price: 0,
        reduce_only: false,
        client_order_id: 1,
        leverage,
    }
}

pub fn place(args: PlaceOrderArgs) -> Instruction {
    Instruction::PlaceOrder(args)
}

pub fn market_order(owner: Key, market_index: u16, side: Side, size: u64, leverage: u16) -> Instruction {
    place(order(owner, market_index, OrderKind::Market, side, size, 0, leverage))
}

pub fn close(owner: Key, market_index: u16, size: u64, price_limit: i64) -> Instruction {
    Instruction::ClosePosition(ClosePositionArgs { signer: owner, owner, market_index, size, price_limit })
}

/// `world()` with alice holding a SOL position opened by a market order at `price`.
pub fn with_sol_position(side: Side, size: u64, leverage: u16, price: i64) -> State {
    open_sol(&world(), alice(), side, size, leverage, price)
}

pub fn open_sol(state: &State, owner: Key, side: Side, size: u64, leverage: u16, price: i64) -> State {
    run(state, market_order(owner, SOL, side, size, leverage), &sol_at(price))
}

/// The smallest value in `(lo, hi]` for which a monotonic predicate holds
/// (it fails at `lo` and holds at `hi`).
pub fn first_passing(mut lo: i64, mut hi: i64, passes: impl Fn(i64) -> bool) -> i64 {
    assert!(passes(hi) && !passes(lo), "boundary search needs a failing lo and a passing hi");
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if passes(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}

/// A copy of `env` at another clock time, the oracle published two seconds before it.
pub fn at_time(env: &Env, now: i64) -> Env {
    let mut e = env.clone();
    e.now = now;
    e.oracle.publish_time = now - 2;
    e
}

/// The largest value in `[lo, hi)` for which a monotonic predicate holds
/// (it holds at `lo` and fails at `hi`).
pub fn last_passing(lo: i64, hi: i64, passes: impl Fn(i64) -> bool) -> i64 {
    first_passing(lo, hi, |v| !passes(v)) - 1
}
