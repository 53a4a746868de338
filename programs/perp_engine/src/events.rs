//! Events an instruction emits, in the order they happen. The Anchor program emits
//! one `#[event]` per variant with the same fields.

use crate::state::{Key, OrderKind, Pool, Side};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    ExchangeInitialized {
        admin: Key,
        collateral_mint: Key,
    },
    MarketAdded {
        market_index: u16,
        symbol: String,
        pyth_feed_id: [u8; 32],
    },
    PauseSet {
        /// `None`: the whole exchange.
        market_index: Option<u16>,
        paused: bool,
    },
    PoolFunded {
        pool: Pool,
        amount: u64,
        balance: u64,
    },
    UserCreated {
        owner: Key,
        delegate: Option<Key>,
    },
    DelegateSet {
        owner: Key,
        delegate: Option<Key>,
    },
    Deposit {
        owner: Key,
        amount: u64,
        collateral: u64,
    },
    Withdraw {
        owner: Key,
        amount: u64,
        collateral: u64,
    },
    OrderPlaced {
        owner: Key,
        order_id: u64,
        client_order_id: u64,
        market_index: u16,
        kind: OrderKind,
        side: Side,
        /// After rounding down to the lot size.
        size: u64,
        /// After rounding to the tick against the trader.
        price: i64,
        trigger_price: i64,
        reduce_only: bool,
        leverage: u16,
        /// True when the order rests (is stored) instead of filling now.
        resting: bool,
        reserved: u64,
    },
    OrderFilled {
        owner: Key,
        /// `None` for `close_position`, which fills without an order.
        order_id: Option<u64>,
        market_index: u16,
        side: Side,
        size: u64,
        price: i64,
        maker: bool,
        fee: u64,
        /// Realized on the reduced part, before the fee; 0 when opening or growing.
        realized_pnl: i64,
        position_base: i64,
        position_quote_entry: i64,
        position_margin: i64,
        /// 0 when the position is closed or can't be liquidated at any positive price.
        liquidation_price: i64,
    },
    OrderCancelled {
        owner: Key,
        order_id: u64,
        refunded: u64,
    },
    PositionClosed {
        owner: Key,
        market_index: u16,
        /// Collateral returned to the account's free collateral.
        payout: u64,
        /// Loss beyond the position's margin, covered by insurance then the vault.
        bad_debt: u64,
    },
    FundingSettled {
        market_index: u16,
        rate: i64,
        intervals: u64,
        oracle_price: i64,
        cumulative_funding: i128,
    },
    FundingPaid {
        owner: Key,
        market_index: u16,
        /// Positive: paid by the position to the vault; negative: received.
        amount: i64,
    },
    Liquidated {
        owner: Key,
        liquidator: Key,
        market_index: u16,
        base: i64,
        price: i64,
        realized_pnl: i64,
        liquidation_fee: u64,
        liquidator_reward: u64,
        insurance_fee: u64,
        payout: u64,
        bad_debt: u64,
        insurance_cover: u64,
    },
}

impl Event {
    pub fn name(&self) -> &'static str {
        match self {
            Event::ExchangeInitialized { .. } => "ExchangeInitialized",
            Event::MarketAdded { .. } => "MarketAdded",
            Event::PauseSet { .. } => "PauseSet",
            Event::PoolFunded { .. } => "PoolFunded",
            Event::UserCreated { .. } => "UserCreated",
            Event::DelegateSet { .. } => "DelegateSet",
            Event::Deposit { .. } => "Deposit",
            Event::Withdraw { .. } => "Withdraw",
            Event::OrderPlaced { .. } => "OrderPlaced",
            Event::OrderFilled { .. } => "OrderFilled",
            Event::OrderCancelled { .. } => "OrderCancelled",
            Event::PositionClosed { .. } => "PositionClosed",
            Event::FundingSettled { .. } => "FundingSettled",
            Event::FundingPaid { .. } => "FundingPaid",
            Event::Liquidated { .. } => "Liquidated",
        }
    }
}
