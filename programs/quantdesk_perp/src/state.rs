//! On-chain accounts and their PDA seeds. The accounts store exactly the engine's
//! fields (plus PDA bumps and rent bookkeeping); `convert` maps them to and from the
//! engine's state.

use anchor_lang::prelude::*;
use perp_engine::state as engine;

pub const EXCHANGE_SEED: &[u8] = b"exchange";
pub const MARKET_SEED: &[u8] = b"market";
pub const USER_SEED: &[u8] = b"user";
pub const ORDER_SEED: &[u8] = b"order";
/// Token account holding traders' collateral and the liquidity vault.
pub const VAULT_SEED: &[u8] = b"vault";
/// Token account holding the insurance fund.
pub const INSURANCE_SEED: &[u8] = b"insurance";

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, PartialEq, Eq, InitSpace)]
pub struct ExchangeParamsData {
    pub liquidation_fee_ppm: u32,
    pub liquidator_share_ppm: u32,
    pub insurance_fee_share_ppm: u32,
}

#[account]
#[derive(InitSpace)]
pub struct Exchange {
    pub admin: Pubkey,
    pub collateral_mint: Pubkey,
    pub params: ExchangeParamsData,
    pub paused: bool,
    pub liquidity_vault: u64,
    pub insurance_fund: u64,
    pub market_count: u16,
    pub bump: u8,
    pub vault_bump: u8,
    pub insurance_bump: u8,
}

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, PartialEq, Eq, InitSpace)]
pub struct MarketParamsData {
    #[max_len(16)]
    pub symbol: String,
    pub pyth_feed_id: [u8; 32],
    pub base_decimals: u8,
    pub max_leverage: u16,
    pub initial_margin_ppm: u32,
    pub maintenance_margin_ppm: u32,
    pub tick_size: i64,
    pub lot_size: u64,
    pub taker_fee_ppm: u32,
    pub maker_fee_ppm: u32,
    pub spread_ppm: u32,
    pub oracle_max_age_secs: u32,
    pub max_conf_ppm: u32,
    pub funding_interval_secs: u32,
    pub max_funding_rate: i64,
}

#[account]
#[derive(InitSpace)]
pub struct Market {
    pub index: u16,
    pub params: MarketParamsData,
    pub paused: bool,
    pub long_open_interest: u64,
    pub short_open_interest: u64,
    pub cumulative_funding: i128,
    pub last_funding_ts: i64,
    pub last_funding_rate: i64,
    pub bump: u8,
}

/// A position slot; `base == 0` marks it free (the engine never keeps a zero position).
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, Default, PartialEq, Eq, InitSpace)]
pub struct PositionSlot {
    pub market_index: u16,
    pub base: i64,
    pub quote_entry: i64,
    pub margin: i64,
    pub last_cumulative_funding: i128,
}

#[account]
#[derive(InitSpace)]
pub struct UserAccount {
    pub owner: Pubkey,
    pub delegate: Option<Pubkey>,
    pub collateral: u64,
    pub positions: [PositionSlot; engine::MAX_POSITIONS],
    pub next_order_id: u64,
    pub open_orders: u16,
    pub bump: u8,
}

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum OrderKind {
    Market,
    Limit,
    StopLoss,
    TakeProfit,
}

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum Side {
    Buy,
    Sell,
}

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum Pool {
    Liquidity,
    Insurance,
}

#[account]
#[derive(InitSpace)]
pub struct Order {
    pub id: u64,
    pub owner: Pubkey,
    pub market_index: u16,
    pub kind: OrderKind,
    pub side: Side,
    pub size: u64,
    pub price: i64,
    pub trigger_price: i64,
    pub reduce_only: bool,
    pub client_order_id: u64,
    pub leverage: u16,
    pub reserved: u64,
    pub placed_at: i64,
    /// Who paid the account's rent, and gets it back when the order closes.
    pub rent_payer: Pubkey,
    pub bump: u8,
}
