//! QuantDesk perpetual-futures program: the Anchor shell around `perp_engine`.
//!
//! The program owns accounts (PDAs for the exchange, markets, user accounts and
//! orders; SPL token accounts for the collateral vault and the insurance fund), reads
//! Pyth `PriceUpdateV2` accounts, and moves tokens. Every decision — margin, fills,
//! fees, funding, liquidation, which error — is the engine's, so the program, the
//! Rust tests and the Python mirror agree by construction.

use anchor_lang::prelude::*;

pub mod convert;
pub mod errors;
pub mod events;
pub mod instructions;
pub mod oracle;
pub mod state;
pub mod token;

pub use instructions::*;
pub use state::{ExchangeParamsData, MarketParamsData, OrderKind, Pool, Side};

declare_id!("QDPerp1111111111111111111111111111111111111");

#[program]
pub mod quantdesk_perp {
    use super::*;

    /// Creates the exchange, its collateral vault and its insurance fund; the signer becomes admin.
    pub fn initialize_exchange(ctx: Context<InitializeExchange>, params: ExchangeParamsData) -> Result<()> {
        instructions::admin::initialize_exchange_handler(ctx, params)
    }

    /// Lists a market at the next index (admin).
    pub fn add_market(ctx: Context<AddMarket>, params: MarketParamsData) -> Result<()> {
        instructions::admin::add_market_handler(ctx, params)
    }

    /// Pauses or resumes one market, or the whole exchange when no market is passed (admin).
    pub fn set_paused(ctx: Context<SetPaused>, paused: bool) -> Result<()> {
        instructions::admin::set_paused_handler(ctx, paused)
    }

    /// Adds collateral to the liquidity vault or the insurance fund (admin).
    pub fn fund_pool(ctx: Context<FundPool>, pool: Pool, amount: u64) -> Result<()> {
        instructions::admin::fund_pool_handler(ctx, pool, amount)
    }

    /// Opens the signer's trading account, optionally naming a trading delegate.
    pub fn create_user(ctx: Context<CreateUser>, delegate: Option<Pubkey>) -> Result<()> {
        instructions::accounts::create_user_handler(ctx, delegate)
    }

    /// Sets or clears the trading delegate (owner only).
    pub fn set_delegate(ctx: Context<SetDelegate>, delegate: Option<Pubkey>) -> Result<()> {
        instructions::accounts::set_delegate_handler(ctx, delegate)
    }

    /// Deposits collateral into a trading account.
    pub fn deposit(ctx: Context<DepositCollateral>, amount: u64) -> Result<()> {
        instructions::accounts::deposit_handler(ctx, amount)
    }

    /// Withdraws free collateral to the owner's token account (owner only).
    pub fn withdraw(ctx: Context<WithdrawCollateral>, amount: u64) -> Result<()> {
        instructions::accounts::withdraw_handler(ctx, amount)
    }

    /// Places a market, limit, stop-loss or take-profit order (owner or delegate).
    pub fn place_order(ctx: Context<PlaceOrder>, params: PlaceOrderParams) -> Result<()> {
        instructions::trading::place_order_handler(ctx, params)
    }

    /// Cancels a resting order and returns its reservation (owner or delegate).
    pub fn cancel_order(ctx: Context<CancelOrder>) -> Result<()> {
        instructions::trading::cancel_order_handler(ctx)
    }

    /// Closes all (`size` 0) or part of a position at the taker price (owner or delegate).
    pub fn close_position(ctx: Context<ClosePosition>, size: u64, price_limit: i64) -> Result<()> {
        instructions::trading::close_position_handler(ctx, size, price_limit)
    }

    /// Fills a resting order the oracle has crossed (permissionless keeper).
    pub fn trigger_order(ctx: Context<TriggerOrder>) -> Result<()> {
        instructions::keeper::trigger_order_handler(ctx)
    }

    /// Accrues funding for every whole interval elapsed (permissionless keeper).
    pub fn settle_funding(ctx: Context<SettleFunding>) -> Result<()> {
        instructions::keeper::settle_funding_handler(ctx)
    }

    /// Liquidates a position under maintenance margin; the signer's account gets the reward.
    pub fn liquidate(ctx: Context<Liquidate>) -> Result<()> {
        instructions::keeper::liquidate_handler(ctx)
    }
}
