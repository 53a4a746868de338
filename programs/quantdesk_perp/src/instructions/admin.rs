use crate::convert::key_of;
use crate::errors::engine_error;
use crate::events::emit_all;
use crate::state::*;
use crate::token::transfer_in;
use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};
use perp_engine::instructions::admin;
use perp_engine::instructions::{AddMarketArgs, InitializeExchangeArgs};

#[derive(Accounts)]
pub struct InitializeExchange<'info> {
    #[account(mut)]
    pub admin: Signer<'info>,
    #[account(init, payer = admin, space = 8 + Exchange::INIT_SPACE, seeds = [EXCHANGE_SEED], bump)]
    pub exchange: Box<Account<'info, Exchange>>,
    pub collateral_mint: Box<Account<'info, Mint>>,
    #[account(init, payer = admin, seeds = [VAULT_SEED], bump, token::mint = collateral_mint, token::authority = exchange)]
    pub vault: Box<Account<'info, TokenAccount>>,
    #[account(init, payer = admin, seeds = [INSURANCE_SEED], bump, token::mint = collateral_mint, token::authority = exchange)]
    pub insurance: Box<Account<'info, TokenAccount>>,
    pub token_program: Program<'info, Token>,
    pub system_program: Program<'info, System>,
}

pub fn initialize_exchange_handler(ctx: Context<InitializeExchange>, params: ExchangeParamsData) -> Result<()> {
    let a = ctx.accounts;
    let args =
        InitializeExchangeArgs { signer: key_of(a.admin.key), collateral_mint: key_of(&a.collateral_mint.key()), params: (&params).into() };
    let (exchange, event) = admin::initialize_exchange(&args).map_err(engine_error)?;
    a.exchange.set_inner(Exchange {
        admin: a.admin.key(),
        collateral_mint: a.collateral_mint.key(),
        params,
        paused: exchange.paused,
        liquidity_vault: exchange.liquidity_vault,
        insurance_fund: exchange.insurance_fund,
        market_count: 0,
        bump: ctx.bumps.exchange,
        vault_bump: ctx.bumps.vault,
        insurance_bump: ctx.bumps.insurance,
    });
    emit_all(vec![event]);
    Ok(())
}

#[derive(Accounts)]
pub struct AddMarket<'info> {
    #[account(mut)]
    pub admin: Signer<'info>,
    #[account(mut, seeds = [EXCHANGE_SEED], bump = exchange.bump)]
    pub exchange: Box<Account<'info, Exchange>>,
    #[account(init, payer = admin, space = 8 + Market::INIT_SPACE, seeds = [MARKET_SEED, &exchange.market_count.to_le_bytes()], bump)]
    pub market: Box<Account<'info, Market>>,
    pub system_program: Program<'info, System>,
}

pub fn add_market_handler(ctx: Context<AddMarket>, params: MarketParamsData) -> Result<()> {
    let a = ctx.accounts;
    let now = Clock::get()?.unix_timestamp;
    let args = AddMarketArgs { signer: key_of(a.admin.key), params: (&params).into() };
    let (market, event) = admin::add_market(&a.exchange.to_engine(), a.exchange.market_count as usize, &args, now).map_err(engine_error)?;
    a.market.store(&market);
    a.market.bump = ctx.bumps.market;
    a.exchange.market_count += 1;
    emit_all(vec![event]);
    Ok(())
}

#[derive(Accounts)]
pub struct SetPaused<'info> {
    pub admin: Signer<'info>,
    #[account(mut, seeds = [EXCHANGE_SEED], bump = exchange.bump)]
    pub exchange: Box<Account<'info, Exchange>>,
    /// The market to pause or resume; absent to pause or resume the whole exchange.
    #[account(mut, seeds = [MARKET_SEED, &market.index.to_le_bytes()], bump = market.bump)]
    pub market: Option<Box<Account<'info, Market>>>,
}

pub fn set_paused_handler(ctx: Context<SetPaused>, paused: bool) -> Result<()> {
    let a = ctx.accounts;
    let mut exchange = a.exchange.to_engine();
    let mut market = a.market.as_ref().map(|m| m.to_engine());
    let event = admin::set_paused(&mut exchange, market.as_mut(), &key_of(a.admin.key), paused).map_err(engine_error)?;
    a.exchange.store(&exchange);
    if let (Some(account), Some(market)) = (a.market.as_mut(), market) {
        account.store(&market);
    }
    emit_all(vec![event]);
    Ok(())
}

#[derive(Accounts)]
pub struct FundPool<'info> {
    pub admin: Signer<'info>,
    #[account(mut, seeds = [EXCHANGE_SEED], bump = exchange.bump)]
    pub exchange: Box<Account<'info, Exchange>>,
    #[account(mut, token::mint = exchange.collateral_mint, token::authority = admin)]
    pub admin_token: Box<Account<'info, TokenAccount>>,
    #[account(mut, seeds = [VAULT_SEED], bump = exchange.vault_bump)]
    pub vault: Box<Account<'info, TokenAccount>>,
    #[account(mut, seeds = [INSURANCE_SEED], bump = exchange.insurance_bump)]
    pub insurance: Box<Account<'info, TokenAccount>>,
    pub token_program: Program<'info, Token>,
}

pub fn fund_pool_handler(ctx: Context<FundPool>, pool: Pool, amount: u64) -> Result<()> {
    let a = ctx.accounts;
    let mut exchange = a.exchange.to_engine();
    let event = admin::fund_pool(&mut exchange, &key_of(a.admin.key), pool.into(), amount).map_err(engine_error)?;
    a.exchange.store(&exchange);
    let destination = match pool {
        Pool::Liquidity => &a.vault,
        Pool::Insurance => &a.insurance,
    };
    transfer_in(&a.token_program, &a.admin_token, destination, &a.admin, amount)?;
    emit_all(vec![event]);
    Ok(())
}
