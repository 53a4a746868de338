//! The engine's state: plain data, JSON-friendly (integers, strings, arrays), with
//! the same fields the Anchor accounts store.
//!
//! Units (see SPEC.md for the full list):
//! - collateral and every money amount: USDC base units (10^-6 USD);
//! - prices: quote per one whole base unit, scaled by 10^6 (`math::PRICE_DECIMALS`);
//! - sizes and position bases: base units of the market (10^-base_decimals of one unit);
//! - ratios: parts per million (`math::PPM`); funding rates: 10^-9 per interval.

pub type Key = [u8; 32];

pub const MAX_MARKETS: usize = 16;
pub const MAX_POSITIONS: usize = 8;
pub const MAX_OPEN_ORDERS: u16 = 16;
pub const MAX_SYMBOL_LEN: usize = 16;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Buy,
    Sell,
}

impl Side {
    /// +1 for buy (long), -1 for sell (short).
    pub fn sign(self) -> i64 {
        match self {
            Side::Buy => 1,
            Side::Sell => -1,
        }
    }

    /// The side that reduces a position of the given base (positive = long).
    pub fn closing(base: i64) -> Side {
        if base > 0 {
            Side::Sell
        } else {
            Side::Buy
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderKind {
    Market,
    Limit,
    StopLoss,
    TakeProfit,
}

impl OrderKind {
    /// Stop-loss and take-profit orders exist to close positions, so they are
    /// always reduce-only whatever the flag says.
    pub fn forces_reduce_only(self) -> bool {
        matches!(self, OrderKind::StopLoss | OrderKind::TakeProfit)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pool {
    Liquidity,
    Insurance,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExchangeParams {
    /// Liquidation fee, ppm of the liquidated notional.
    pub liquidation_fee_ppm: u32,
    /// Share of the liquidation fee paid to the liquidator, ppm; the rest goes to insurance.
    pub liquidator_share_ppm: u32,
    /// Share of every trading fee paid to the insurance fund, ppm; the rest goes to the vault.
    pub insurance_fee_share_ppm: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exchange {
    pub admin: Key,
    pub collateral_mint: Key,
    pub params: ExchangeParams,
    pub paused: bool,
    /// The program's side of every trade: pays profits, receives losses and fees.
    pub liquidity_vault: u64,
    /// Receives liquidation fees and its share of trading fees; covers bad debt first.
    pub insurance_fund: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MarketParams {
    pub symbol: String,
    pub pyth_feed_id: [u8; 32],
    pub base_decimals: u8,
    pub max_leverage: u16,
    pub initial_margin_ppm: u32,
    pub maintenance_margin_ppm: u32,
    /// Price grid, in price units (10^-6 quote per whole base unit).
    pub tick_size: i64,
    /// Size grid, in base units.
    pub lot_size: u64,
    pub taker_fee_ppm: u32,
    pub maker_fee_ppm: u32,
    /// Half-spread around the oracle at which the vault fills takers, ppm.
    pub spread_ppm: u32,
    pub oracle_max_age_secs: u32,
    /// Largest accepted confidence / price, ppm.
    pub max_conf_ppm: u32,
    pub funding_interval_secs: u32,
    /// Funding rate per interval at full open-interest imbalance, 10^-9.
    pub max_funding_rate: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Market {
    pub index: u16,
    pub params: MarketParams,
    pub paused: bool,
    /// Sum of long position bases, base units.
    pub long_open_interest: u64,
    /// Sum of |short position bases|, base units.
    pub short_open_interest: u64,
    /// Running sum of rate × oracle price per interval (10^-15 quote per whole base unit).
    pub cumulative_funding: i128,
    pub last_funding_ts: i64,
    /// Rate applied by the last settlement, 10^-9 per interval (positive: longs pay).
    pub last_funding_rate: i64,
}

/// An isolated-margin position: losses never reach the account's free collateral.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Position {
    pub market_index: u16,
    /// Signed size in base units: positive long, negative short; never zero while open.
    pub base: i64,
    /// Signed cost basis in quote units (same sign as `base`).
    pub quote_entry: i64,
    /// Collateral locked in this position; negative only once it is bankrupt.
    pub margin: i64,
    /// `Market::cumulative_funding` when funding was last settled into `margin`.
    pub last_cumulative_funding: i128,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub owner: Key,
    /// May place, cancel and close; may never withdraw or change the delegate.
    pub delegate: Option<Key>,
    /// Free collateral: not locked in positions or reserved by resting orders.
    pub collateral: u64,
    /// Open positions, sorted by market index, at most `MAX_POSITIONS`.
    pub positions: Vec<Position>,
    pub next_order_id: u64,
    pub open_orders: u16,
}

impl User {
    pub fn position(&self, market_index: u16) -> Option<&Position> {
        self.positions.iter().find(|p| p.market_index == market_index)
    }

    pub fn position_mut(&mut self, market_index: u16) -> Option<&mut Position> {
        self.positions.iter_mut().find(|p| p.market_index == market_index)
    }

    pub fn position_base(&self, market_index: u16) -> i64 {
        self.position(market_index).map_or(0, |p| p.base)
    }

    pub fn remove_position(&mut self, market_index: u16) {
        self.positions.retain(|p| p.market_index != market_index);
    }

    /// Inserts keeping the list sorted by market index (a stable order for JSON and slots).
    pub fn insert_position(&mut self, position: Position) {
        let at = self.positions.partition_point(|p| p.market_index < position.market_index);
        self.positions.insert(at, position);
    }

    pub fn may_trade(&self, signer: &Key) -> bool {
        *signer == self.owner || self.delegate.as_ref() == Some(signer)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Order {
    pub id: u64,
    pub owner: Key,
    pub market_index: u16,
    pub kind: OrderKind,
    pub side: Side,
    /// Base units, a multiple of the lot size.
    pub size: u64,
    /// Limit: the limit price. Market, stop-loss, take-profit: the worst fill price
    /// accepted (0 = no bound). Already rounded to tick against the trader.
    pub price: i64,
    /// Stop-loss / take-profit: the oracle price that triggers the order; else 0.
    pub trigger_price: i64,
    pub reduce_only: bool,
    pub client_order_id: u64,
    pub leverage: u16,
    /// Collateral set aside at placement for the margin and fee of a resting
    /// order that would open or grow a position.
    pub reserved: u64,
    pub placed_at: i64,
}

/// The whole exchange, as the engine's `apply` sees it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct State {
    pub exchange: Option<Exchange>,
    /// Index `i` holds the market whose `index` is `i`.
    pub markets: Vec<Market>,
    /// In creation order.
    pub users: Vec<User>,
    /// Resting orders, in placement order.
    pub orders: Vec<Order>,
}

impl State {
    /// Every unit of collateral the program holds: free collateral, position margins,
    /// order reservations, the liquidity vault and the insurance fund. Only deposits,
    /// withdrawals and pool funding change it.
    pub fn total_collateral(&self) -> i128 {
        let users: i128 =
            self.users.iter().map(|u| u.collateral as i128 + u.positions.iter().map(|p| p.margin as i128).sum::<i128>()).sum();
        let reserved: i128 = self.orders.iter().map(|o| o.reserved as i128).sum();
        let pools = self.exchange.as_ref().map_or(0, |e| e.liquidity_vault as i128 + e.insurance_fund as i128);
        users + reserved + pools
    }
}
