use crate::vectors::fixtures::*;
use crate::vectors::Suite;
use perp_engine::instructions::{AddMarketArgs, InitializeExchangeArgs};
use perp_engine::state::{ExchangeParams, Pool};
use perp_engine::{ErrorCode, Instruction, State};

fn init(params: ExchangeParams) -> Instruction {
    Instruction::InitializeExchange(InitializeExchangeArgs { signer: admin(), collateral_mint: key("usdc-mint"), params })
}

fn add(signer: perp_engine::state::Key, params: perp_engine::state::MarketParams) -> Instruction {
    Instruction::AddMarket(AddMarketArgs { signer, params })
}

pub fn cases() -> Suite {
    let mut s = Suite::default();
    let env = no_price();
    let empty = State::default();
    s.ok("initialize_exchange", "The first caller becomes admin; pools start empty.", &empty, init(exchange_params()), &env);
    s.err(
        ErrorCode::ExchangeAlreadyInitialized,
        "initialize_exchange_twice",
        "A second initialization is refused.",
        &init_exchange(),
        init(exchange_params()),
        &env,
    );
    let too_high = ExchangeParams { liquidation_fee_ppm: 100_001, ..exchange_params() };
    s.err(
        ErrorCode::InvalidParameter,
        "initialize_exchange_liquidation_fee_above_10pct",
        "liquidation_fee_ppm is capped at 100000 (10%).",
        &empty,
        init(too_high),
        &env,
    );

    let bare = init_exchange();
    s.ok("add_market", "Lists SOL-PERP at index 0; funding starts at the clock.", &bare, add(admin(), sol_params()), &env);
    s.err(
        ErrorCode::ExchangeNotInitialized,
        "add_market_without_exchange",
        "Nothing works before initialization.",
        &empty,
        add(admin(), sol_params()),
        &env,
    );
    s.err(ErrorCode::Unauthorized, "add_market_by_non_admin", "Only the admin lists markets.", &bare, add(mallory(), sol_params()), &env);
    let mmr_eq_imr = perp_engine::state::MarketParams { maintenance_margin_ppm: 40_000, ..sol_params() };
    s.err(
        ErrorCode::InvalidParameter,
        "add_market_maintenance_not_below_initial",
        "Maintenance margin must be below initial margin (limit = imr - 1).",
        &bare,
        add(admin(), mmr_eq_imr),
        &env,
    );
    let imr_too_high = perp_engine::state::MarketParams { initial_margin_ppm: 60_000, ..sol_params() };
    s.err(
        ErrorCode::InvalidParameter,
        "add_market_initial_margin_forbids_max_leverage",
        "Initial margin above 1/max_leverage would make max leverage unusable (limit 50000 at 20x).",
        &bare,
        add(admin(), imr_too_high),
        &env,
    );
    let long_symbol = perp_engine::state::MarketParams { symbol: "A-VERY-LONG-SYMBOL-PERP".into(), ..sol_params() };
    s.err(
        ErrorCode::InvalidParameter,
        "add_market_symbol_too_long",
        "Symbols are 1 to 16 printable ASCII bytes.",
        &bare,
        add(admin(), long_symbol),
        &env,
    );

    let mut full = bare.clone();
    for i in 0..16 {
        full = add_market(&full, perp_engine::state::MarketParams { symbol: format!("M{i:02}-PERP"), ..sol_params() });
    }
    s.err(ErrorCode::TooManyMarkets, "add_market_beyond_sixteen", "At most 16 markets.", &full, add(admin(), sol_params()), &env);

    let w = world();
    s.ok(
        "pause_exchange",
        "The admin pauses the whole exchange.",
        &w,
        Instruction::SetPaused { signer: admin(), market_index: None, paused: true },
        &env,
    );
    let paused_sol = run(&w, Instruction::SetPaused { signer: admin(), market_index: Some(SOL), paused: true }, &env);
    s.ok(
        "resume_market",
        "The admin resumes a paused market.",
        &paused_sol,
        Instruction::SetPaused { signer: admin(), market_index: Some(SOL), paused: false },
        &env,
    );
    s.err(
        ErrorCode::MarketNotFound,
        "pause_unknown_market",
        "Market index 7 does not exist.",
        &w,
        Instruction::SetPaused { signer: admin(), market_index: Some(7), paused: true },
        &env,
    );
    s.err(
        ErrorCode::Unauthorized,
        "pause_by_non_admin",
        "Only the admin pauses.",
        &w,
        Instruction::SetPaused { signer: alice(), market_index: None, paused: true },
        &env,
    );

    s.ok(
        "fund_liquidity_vault",
        "The admin adds 5000 USDC to the liquidity vault.",
        &w,
        Instruction::FundPool { signer: admin(), pool: Pool::Liquidity, amount: 5_000 * USDC },
        &env,
    );
    s.ok(
        "fund_insurance_fund",
        "The admin adds 250 USDC to the insurance fund.",
        &w,
        Instruction::FundPool { signer: admin(), pool: Pool::Insurance, amount: 250 * USDC },
        &env,
    );
    s.err(
        ErrorCode::InvalidAmount,
        "fund_pool_zero",
        "Zero amounts are refused.",
        &w,
        Instruction::FundPool { signer: admin(), pool: Pool::Insurance, amount: 0 },
        &env,
    );
    s.err(
        ErrorCode::Unauthorized,
        "fund_pool_by_non_admin",
        "Only the admin funds pools.",
        &w,
        Instruction::FundPool { signer: bob(), pool: Pool::Liquidity, amount: USDC },
        &env,
    );
    s
}
