use crate::convert::key_of;
use crate::errors::engine_error;
use crate::events::emit_all;
use crate::oracle::read_oracle;
use crate::state::*;
use crate::token::InsuranceSync;
use anchor_lang::prelude::*;
use anchor_spl::token::{Token, TokenAccount};
use perp_engine::instructions::{trading, ClosePositionArgs, PlaceOrderArgs};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, PartialEq, Eq)]
pub struct PlaceOrderParams {
    pub kind: OrderKind,
    pub side: Side,
    /// Base units; rounded down to the market's lot size.
    pub size: u64,
    /// Limit price (limit orders), or worst acceptable fill price (0 = none).
    pub price: i64,
    /// Oracle price that triggers a stop-loss / take-profit; ignored otherwise.
    pub trigger_price: i64,
    pub reduce_only: bool,
    pub client_order_id: u64,
    pub leverage: u16,
}

#[derive(Accounts)]
pub struct PlaceOrder<'info> {
    /// The owner or the delegate; pays the order account's rent.
    #[account(mut)]
    pub signer: Signer<'info>,
    #[account(mut, seeds = [EXCHANGE_SEED], bump = exchange.bump)]
    pub exchange: Box<Account<'info, Exchange>>,
    #[account(mut, seeds = [MARKET_SEED, &market.index.to_le_bytes()], bump = market.bump)]
    pub market: Box<Account<'info, Market>>,
    #[account(mut, seeds = [USER_SEED, user.owner.as_ref()], bump = user.bump)]
    pub user: Box<Account<'info, UserAccount>>,
    /// Created for every order; closed again at once when the order fills immediately.
    #[account(init, payer = signer, space = 8 + Order::INIT_SPACE, seeds = [ORDER_SEED, user.key().as_ref(), &user.next_order_id.to_le_bytes()], bump)]
    pub order: Box<Account<'info, Order>>,
    /// CHECK: a Pyth `PriceUpdateV2`; `read_oracle` checks its owner and layout, the engine its contents.
    pub price_update: UncheckedAccount<'info>,
    #[account(mut, seeds = [VAULT_SEED], bump = exchange.vault_bump)]
    pub vault: Box<Account<'info, TokenAccount>>,
    #[account(mut, seeds = [INSURANCE_SEED], bump = exchange.insurance_bump)]
    pub insurance: Box<Account<'info, TokenAccount>>,
    pub token_program: Program<'info, Token>,
    pub system_program: Program<'info, System>,
}

pub fn place_order_handler(ctx: Context<PlaceOrder>, params: PlaceOrderParams) -> Result<()> {
    let a = ctx.accounts;
    let oracle = read_oracle(&a.price_update)?;
    let now = Clock::get()?.unix_timestamp;
    let (mut exchange, mut market, mut user) = (a.exchange.to_engine(), a.market.to_engine(), a.user.to_engine());
    let args = PlaceOrderArgs {
        signer: key_of(a.signer.key),
        owner: user.owner,
        market_index: market.index,
        kind: params.kind.into(),
        side: params.side.into(),
        size: params.size,
        price: params.price,
        trigger_price: params.trigger_price,
        reduce_only: params.reduce_only,
        client_order_id: params.client_order_id,
        leverage: params.leverage,
    };
    let insurance_before = exchange.insurance_fund;
    let (resting, events) = trading::place_order(&mut exchange, &mut market, &mut user, &args, &oracle, now).map_err(engine_error)?;
    a.exchange.store(&exchange);
    a.market.store(&market);
    a.user.store(&user);
    match resting {
        Some(order) => {
            a.order.store(&order);
            a.order.rent_payer = a.signer.key();
            a.order.bump = ctx.bumps.order;
        }
        None => a.order.close(a.signer.to_account_info())?,
    }
    InsuranceSync { token_program: &a.token_program, vault: &a.vault, insurance: &a.insurance, exchange: &a.exchange }
        .apply(insurance_before, exchange.insurance_fund)?;
    emit_all(events);
    Ok(())
}

#[derive(Accounts)]
pub struct CancelOrder<'info> {
    pub signer: Signer<'info>,
    #[account(mut, seeds = [USER_SEED, user.owner.as_ref()], bump = user.bump)]
    pub user: Box<Account<'info, UserAccount>>,
    #[account(mut, close = rent_payer, seeds = [ORDER_SEED, user.key().as_ref(), &order.id.to_le_bytes()], bump = order.bump)]
    pub order: Box<Account<'info, Order>>,
    /// CHECK: only receives the order account's rent; must be who paid it.
    #[account(mut, address = order.rent_payer)]
    pub rent_payer: UncheckedAccount<'info>,
}

pub fn cancel_order_handler(ctx: Context<CancelOrder>) -> Result<()> {
    let a = ctx.accounts;
    let mut user = a.user.to_engine();
    let event = trading::cancel_order(&mut user, &a.order.to_engine(), &key_of(a.signer.key)).map_err(engine_error)?;
    a.user.store(&user);
    emit_all(vec![event]);
    Ok(())
}

#[derive(Accounts)]
pub struct ClosePosition<'info> {
    pub signer: Signer<'info>,
    #[account(mut, seeds = [EXCHANGE_SEED], bump = exchange.bump)]
    pub exchange: Box<Account<'info, Exchange>>,
    #[account(mut, seeds = [MARKET_SEED, &market.index.to_le_bytes()], bump = market.bump)]
    pub market: Box<Account<'info, Market>>,
    #[account(mut, seeds = [USER_SEED, user.owner.as_ref()], bump = user.bump)]
    pub user: Box<Account<'info, UserAccount>>,
    /// CHECK: a Pyth `PriceUpdateV2`; `read_oracle` checks its owner and layout, the engine its contents.
    pub price_update: UncheckedAccount<'info>,
    #[account(mut, seeds = [VAULT_SEED], bump = exchange.vault_bump)]
    pub vault: Box<Account<'info, TokenAccount>>,
    #[account(mut, seeds = [INSURANCE_SEED], bump = exchange.insurance_bump)]
    pub insurance: Box<Account<'info, TokenAccount>>,
    pub token_program: Program<'info, Token>,
}

/// `size` 0 closes the whole position; `price_limit` 0 means no bound.
pub fn close_position_handler(ctx: Context<ClosePosition>, size: u64, price_limit: i64) -> Result<()> {
    let a = ctx.accounts;
    let oracle = read_oracle(&a.price_update)?;
    let now = Clock::get()?.unix_timestamp;
    let (mut exchange, mut market, mut user) = (a.exchange.to_engine(), a.market.to_engine(), a.user.to_engine());
    let args = ClosePositionArgs { signer: key_of(a.signer.key), owner: user.owner, market_index: market.index, size, price_limit };
    let insurance_before = exchange.insurance_fund;
    let events = trading::close_position(&mut exchange, &mut market, &mut user, &args, &oracle, now).map_err(engine_error)?;
    a.exchange.store(&exchange);
    a.market.store(&market);
    a.user.store(&user);
    InsuranceSync { token_program: &a.token_program, vault: &a.vault, insurance: &a.insurance, exchange: &a.exchange }
        .apply(insurance_before, exchange.insurance_fund)?;
    emit_all(events);
    Ok(())
}
