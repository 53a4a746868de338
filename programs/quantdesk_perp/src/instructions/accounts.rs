use crate::convert::key_of;
use crate::errors::engine_error;
use crate::events::emit_all;
use crate::state::*;
use crate::token::{transfer_in, transfer_out};
use anchor_lang::prelude::*;
use anchor_spl::token::{Token, TokenAccount};
use perp_engine::instructions::account;

#[derive(Accounts)]
pub struct CreateUser<'info> {
    #[account(mut)]
    pub owner: Signer<'info>,
    #[account(seeds = [EXCHANGE_SEED], bump = exchange.bump)]
    pub exchange: Box<Account<'info, Exchange>>,
    #[account(init, payer = owner, space = 8 + UserAccount::INIT_SPACE, seeds = [USER_SEED, owner.key().as_ref()], bump)]
    pub user: Box<Account<'info, UserAccount>>,
    pub system_program: Program<'info, System>,
}

pub fn create_user_handler(ctx: Context<CreateUser>, delegate: Option<Pubkey>) -> Result<()> {
    let a = ctx.accounts;
    let (user, event) = account::create_user(&key_of(a.owner.key), delegate.as_ref().map(key_of)).map_err(engine_error)?;
    a.user.store(&user);
    a.user.bump = ctx.bumps.user;
    emit_all(vec![event]);
    Ok(())
}

#[derive(Accounts)]
pub struct SetDelegate<'info> {
    pub signer: Signer<'info>,
    #[account(mut, seeds = [USER_SEED, user.owner.as_ref()], bump = user.bump)]
    pub user: Box<Account<'info, UserAccount>>,
}

pub fn set_delegate_handler(ctx: Context<SetDelegate>, delegate: Option<Pubkey>) -> Result<()> {
    let a = ctx.accounts;
    let mut user = a.user.to_engine();
    let event = account::set_delegate(&mut user, &key_of(a.signer.key), delegate.as_ref().map(key_of)).map_err(engine_error)?;
    a.user.store(&user);
    emit_all(vec![event]);
    Ok(())
}

#[derive(Accounts)]
pub struct DepositCollateral<'info> {
    /// Whoever deposits pays from their own token account; the credit goes to `user`.
    pub depositor: Signer<'info>,
    #[account(seeds = [EXCHANGE_SEED], bump = exchange.bump)]
    pub exchange: Box<Account<'info, Exchange>>,
    #[account(mut, seeds = [USER_SEED, user.owner.as_ref()], bump = user.bump)]
    pub user: Box<Account<'info, UserAccount>>,
    #[account(mut, token::mint = exchange.collateral_mint, token::authority = depositor)]
    pub depositor_token: Box<Account<'info, TokenAccount>>,
    #[account(mut, seeds = [VAULT_SEED], bump = exchange.vault_bump)]
    pub vault: Box<Account<'info, TokenAccount>>,
    pub token_program: Program<'info, Token>,
}

pub fn deposit_handler(ctx: Context<DepositCollateral>, amount: u64) -> Result<()> {
    let a = ctx.accounts;
    let mut user = a.user.to_engine();
    let event = account::deposit(&a.exchange.to_engine(), &mut user, amount).map_err(engine_error)?;
    a.user.store(&user);
    transfer_in(&a.token_program, &a.depositor_token, &a.vault, &a.depositor, amount)?;
    emit_all(vec![event]);
    Ok(())
}

#[derive(Accounts)]
pub struct WithdrawCollateral<'info> {
    pub signer: Signer<'info>,
    #[account(seeds = [EXCHANGE_SEED], bump = exchange.bump)]
    pub exchange: Box<Account<'info, Exchange>>,
    #[account(mut, seeds = [USER_SEED, user.owner.as_ref()], bump = user.bump)]
    pub user: Box<Account<'info, UserAccount>>,
    /// Withdrawals only go to a token account of the owner's.
    #[account(mut, token::mint = exchange.collateral_mint, token::authority = user.owner)]
    pub destination: Box<Account<'info, TokenAccount>>,
    #[account(mut, seeds = [VAULT_SEED], bump = exchange.vault_bump)]
    pub vault: Box<Account<'info, TokenAccount>>,
    pub token_program: Program<'info, Token>,
}

pub fn withdraw_handler(ctx: Context<WithdrawCollateral>, amount: u64) -> Result<()> {
    let a = ctx.accounts;
    let mut user = a.user.to_engine();
    let event = account::withdraw(&a.exchange.to_engine(), &mut user, &key_of(a.signer.key), amount).map_err(engine_error)?;
    a.user.store(&user);
    transfer_out(&a.token_program, &a.vault, &a.destination, &a.exchange, amount)?;
    emit_all(vec![event]);
    Ok(())
}
