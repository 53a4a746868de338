use crate::errors::{engine_error, PerpError};
use crate::events::emit_all;
use crate::oracle::read_oracle;
use crate::state::*;
use crate::token::InsuranceSync;
use anchor_lang::prelude::*;
use anchor_spl::token::{Token, TokenAccount};
use perp_engine::instructions::keeper;

#[derive(Accounts)]
pub struct TriggerOrder<'info> {
    /// Anyone may trigger a due order.
    pub keeper: Signer<'info>,
    #[account(mut, seeds = [EXCHANGE_SEED], bump = exchange.bump)]
    pub exchange: Box<Account<'info, Exchange>>,
    #[account(mut, seeds = [MARKET_SEED, &order.market_index.to_le_bytes()], bump = market.bump)]
    pub market: Box<Account<'info, Market>>,
    #[account(mut, seeds = [USER_SEED, order.owner.as_ref()], bump = user.bump)]
    pub user: Box<Account<'info, UserAccount>>,
    #[account(mut, close = rent_payer, seeds = [ORDER_SEED, user.key().as_ref(), &order.id.to_le_bytes()], bump = order.bump)]
    pub order: Box<Account<'info, Order>>,
    /// CHECK: only receives the order account's rent; must be who paid it.
    #[account(mut, address = order.rent_payer)]
    pub rent_payer: UncheckedAccount<'info>,
    /// CHECK: a Pyth `PriceUpdateV2`; `read_oracle` checks its owner and layout, the engine its contents.
    pub price_update: UncheckedAccount<'info>,
    #[account(mut, seeds = [VAULT_SEED], bump = exchange.vault_bump)]
    pub vault: Box<Account<'info, TokenAccount>>,
    #[account(mut, seeds = [INSURANCE_SEED], bump = exchange.insurance_bump)]
    pub insurance: Box<Account<'info, TokenAccount>>,
    pub token_program: Program<'info, Token>,
}

pub fn trigger_order_handler(ctx: Context<TriggerOrder>) -> Result<()> {
    let a = ctx.accounts;
    let oracle = read_oracle(&a.price_update)?;
    let now = Clock::get()?.unix_timestamp;
    let (mut exchange, mut market, mut user) = (a.exchange.to_engine(), a.market.to_engine(), a.user.to_engine());
    let insurance_before = exchange.insurance_fund;
    let events = keeper::trigger_order(&mut exchange, &mut market, &mut user, &a.order.to_engine(), &oracle, now).map_err(engine_error)?;
    a.exchange.store(&exchange);
    a.market.store(&market);
    a.user.store(&user);
    InsuranceSync { token_program: &a.token_program, vault: &a.vault, insurance: &a.insurance, exchange: &a.exchange }
        .apply(insurance_before, exchange.insurance_fund)?;
    emit_all(events);
    Ok(())
}

#[derive(Accounts)]
pub struct SettleFunding<'info> {
    #[account(seeds = [EXCHANGE_SEED], bump = exchange.bump)]
    pub exchange: Box<Account<'info, Exchange>>,
    #[account(mut, seeds = [MARKET_SEED, &market.index.to_le_bytes()], bump = market.bump)]
    pub market: Box<Account<'info, Market>>,
    /// CHECK: a Pyth `PriceUpdateV2`; `read_oracle` checks its owner and layout, the engine its contents.
    pub price_update: UncheckedAccount<'info>,
}

pub fn settle_funding_handler(ctx: Context<SettleFunding>) -> Result<()> {
    let a = ctx.accounts;
    let oracle = read_oracle(&a.price_update)?;
    let now = Clock::get()?.unix_timestamp;
    let mut market = a.market.to_engine();
    let event = keeper::settle_market_funding(&a.exchange.to_engine(), &mut market, &oracle, now).map_err(engine_error)?;
    a.market.store(&market);
    emit_all(vec![event]);
    Ok(())
}

#[derive(Accounts)]
pub struct Liquidate<'info> {
    /// Owner of `liquidator_user`, which receives the liquidator's share of the fee.
    pub liquidator: Signer<'info>,
    #[account(mut, seeds = [EXCHANGE_SEED], bump = exchange.bump)]
    pub exchange: Box<Account<'info, Exchange>>,
    #[account(mut, seeds = [MARKET_SEED, &market.index.to_le_bytes()], bump = market.bump)]
    pub market: Box<Account<'info, Market>>,
    #[account(mut, seeds = [USER_SEED, user.owner.as_ref()], bump = user.bump)]
    pub user: Box<Account<'info, UserAccount>>,
    #[account(
        mut,
        seeds = [USER_SEED, liquidator.key().as_ref()],
        bump = liquidator_user.bump,
        constraint = liquidator_user.key() != user.key() @ PerpError::CannotLiquidateSelf,
    )]
    pub liquidator_user: Box<Account<'info, UserAccount>>,
    /// CHECK: a Pyth `PriceUpdateV2`; `read_oracle` checks its owner and layout, the engine its contents.
    pub price_update: UncheckedAccount<'info>,
    #[account(mut, seeds = [VAULT_SEED], bump = exchange.vault_bump)]
    pub vault: Box<Account<'info, TokenAccount>>,
    #[account(mut, seeds = [INSURANCE_SEED], bump = exchange.insurance_bump)]
    pub insurance: Box<Account<'info, TokenAccount>>,
    pub token_program: Program<'info, Token>,
}

pub fn liquidate_handler(ctx: Context<Liquidate>) -> Result<()> {
    let a = ctx.accounts;
    let oracle = read_oracle(&a.price_update)?;
    let now = Clock::get()?.unix_timestamp;
    let (mut exchange, mut market, mut user, mut liquidator) =
        (a.exchange.to_engine(), a.market.to_engine(), a.user.to_engine(), a.liquidator_user.to_engine());
    let insurance_before = exchange.insurance_fund;
    let events = keeper::liquidate(&mut exchange, &mut market, &mut user, &mut liquidator, &oracle, now).map_err(engine_error)?;
    a.exchange.store(&exchange);
    a.market.store(&market);
    a.user.store(&user);
    a.liquidator_user.store(&liquidator);
    InsuranceSync { token_program: &a.token_program, vault: &a.vault, insurance: &a.insurance, exchange: &a.exchange }
        .apply(insurance_before, exchange.insurance_fund)?;
    emit_all(events);
    Ok(())
}
