//! `#[event]` types, one per engine `Event` variant with the same name and fields,
//! and the conversion that emits them in the engine's order.

use crate::convert::pubkey_of;
use crate::state::{OrderKind, Pool, Side};
use anchor_lang::prelude::*;
use perp_engine::Event;

#[event]
pub struct ExchangeInitialized {
    pub admin: Pubkey,
    pub collateral_mint: Pubkey,
}

#[event]
pub struct MarketAdded {
    pub market_index: u16,
    pub symbol: String,
    pub pyth_feed_id: [u8; 32],
}

#[event]
pub struct PauseSet {
    pub market_index: Option<u16>,
    pub paused: bool,
}

#[event]
pub struct PoolFunded {
    pub pool: Pool,
    pub amount: u64,
    pub balance: u64,
}

#[event]
pub struct UserCreated {
    pub owner: Pubkey,
    pub delegate: Option<Pubkey>,
}

#[event]
pub struct DelegateSet {
    pub owner: Pubkey,
    pub delegate: Option<Pubkey>,
}

#[event]
pub struct Deposit {
    pub owner: Pubkey,
    pub amount: u64,
    pub collateral: u64,
}

#[event]
pub struct Withdraw {
    pub owner: Pubkey,
    pub amount: u64,
    pub collateral: u64,
}

#[event]
pub struct OrderPlaced {
    pub owner: Pubkey,
    pub order_id: u64,
    pub client_order_id: u64,
    pub market_index: u16,
    pub kind: OrderKind,
    pub side: Side,
    pub size: u64,
    pub price: i64,
    pub trigger_price: i64,
    pub reduce_only: bool,
    pub leverage: u16,
    pub resting: bool,
    pub reserved: u64,
}

#[event]
pub struct OrderFilled {
    pub owner: Pubkey,
    pub order_id: Option<u64>,
    pub market_index: u16,
    pub side: Side,
    pub size: u64,
    pub price: i64,
    pub maker: bool,
    pub fee: u64,
    pub realized_pnl: i64,
    pub position_base: i64,
    pub position_quote_entry: i64,
    pub position_margin: i64,
    pub liquidation_price: i64,
}

#[event]
pub struct OrderCancelled {
    pub owner: Pubkey,
    pub order_id: u64,
    pub refunded: u64,
}

#[event]
pub struct PositionClosed {
    pub owner: Pubkey,
    pub market_index: u16,
    pub payout: u64,
    pub bad_debt: u64,
}

#[event]
pub struct FundingSettled {
    pub market_index: u16,
    pub rate: i64,
    pub intervals: u64,
    pub oracle_price: i64,
    pub cumulative_funding: i128,
}

#[event]
pub struct FundingPaid {
    pub owner: Pubkey,
    pub market_index: u16,
    pub amount: i64,
}

#[event]
pub struct Liquidated {
    pub owner: Pubkey,
    pub liquidator: Pubkey,
    pub market_index: u16,
    pub base: i64,
    pub price: i64,
    pub realized_pnl: i64,
    pub liquidation_fee: u64,
    pub liquidator_reward: u64,
    pub insurance_fee: u64,
    pub payout: u64,
    pub bad_debt: u64,
    pub insurance_cover: u64,
}

/// Emits the engine's events, in order, as program logs.
pub fn emit_all(events: Vec<Event>) {
    for event in events {
        emit_one(event);
    }
}

fn emit_one(event: Event) {
    match event {
        Event::ExchangeInitialized { admin, collateral_mint } => {
            emit!(ExchangeInitialized { admin: pubkey_of(&admin), collateral_mint: pubkey_of(&collateral_mint) })
        }
        Event::MarketAdded { market_index, symbol, pyth_feed_id } => emit!(MarketAdded { market_index, symbol, pyth_feed_id }),
        Event::PauseSet { market_index, paused } => emit!(PauseSet { market_index, paused }),
        Event::PoolFunded { pool, amount, balance } => emit!(PoolFunded { pool: pool.into(), amount, balance }),
        Event::UserCreated { owner, delegate } => {
            emit!(UserCreated { owner: pubkey_of(&owner), delegate: delegate.as_ref().map(pubkey_of) })
        }
        Event::DelegateSet { owner, delegate } => {
            emit!(DelegateSet { owner: pubkey_of(&owner), delegate: delegate.as_ref().map(pubkey_of) })
        }
        Event::Deposit { owner, amount, collateral } => emit!(Deposit { owner: pubkey_of(&owner), amount, collateral }),
        Event::Withdraw { owner, amount, collateral } => emit!(Withdraw { owner: pubkey_of(&owner), amount, collateral }),
        Event::OrderPlaced {
            owner,
            order_id,
            client_order_id,
            market_index,
            kind,
            side,
            size,
            price,
            trigger_price,
            reduce_only,
            leverage,
            resting,
            reserved,
        } => emit!(OrderPlaced {
            owner: pubkey_of(&owner),
            order_id,
            client_order_id,
            market_index,
            kind: kind.into(),
            side: side.into(),
            size,
            price,
            trigger_price,
            reduce_only,
            leverage,
            resting,
            reserved,
        }),
        Event::OrderFilled {
            owner,
            order_id,
            market_index,
            side,
            size,
            price,
            maker,
            fee,
            realized_pnl,
            position_base,
            position_quote_entry,
            position_margin,
            liquidation_price,
        } => emit!(OrderFilled {
            owner: pubkey_of(&owner),
            order_id,
            market_index,
            side: side.into(),
            size,
            price,
            maker,
            fee,
            realized_pnl,
            position_base,
            position_quote_entry,
            position_margin,
            liquidation_price,
        }),
        Event::OrderCancelled { owner, order_id, refunded } => emit!(OrderCancelled { owner: pubkey_of(&owner), order_id, refunded }),
        Event::PositionClosed { owner, market_index, payout, bad_debt } => {
            emit!(PositionClosed { owner: pubkey_of(&owner), market_index, payout, bad_debt })
        }
        Event::FundingSettled { market_index, rate, intervals, oracle_price, cumulative_funding } => {
            emit!(FundingSettled { market_index, rate, intervals, oracle_price, cumulative_funding })
        }
        Event::FundingPaid { owner, market_index, amount } => emit!(FundingPaid { owner: pubkey_of(&owner), market_index, amount }),
        Event::Liquidated {
            owner,
            liquidator,
            market_index,
            base,
            price,
            realized_pnl,
            liquidation_fee,
            liquidator_reward,
            insurance_fee,
            payout,
            bad_debt,
            insurance_cover,
        } => emit!(Liquidated {
            owner: pubkey_of(&owner),
            liquidator: pubkey_of(&liquidator),
            market_index,
            base,
            price,
            realized_pnl,
            liquidation_fee,
            liquidator_reward,
            insurance_fee,
            payout,
            bad_debt,
            insurance_cover,
        }),
    }
}
