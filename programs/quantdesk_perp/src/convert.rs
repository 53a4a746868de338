//! Lossless conversion between the on-chain accounts and the engine's state.

use crate::state::*;
use anchor_lang::prelude::*;
use perp_engine::state as engine;

pub fn key_of(k: &Pubkey) -> engine::Key {
    k.to_bytes()
}

pub fn pubkey_of(k: &engine::Key) -> Pubkey {
    Pubkey::new_from_array(*k)
}

impl From<&ExchangeParamsData> for engine::ExchangeParams {
    fn from(p: &ExchangeParamsData) -> Self {
        engine::ExchangeParams {
            liquidation_fee_ppm: p.liquidation_fee_ppm,
            liquidator_share_ppm: p.liquidator_share_ppm,
            insurance_fee_share_ppm: p.insurance_fee_share_ppm,
        }
    }
}

impl From<&engine::ExchangeParams> for ExchangeParamsData {
    fn from(p: &engine::ExchangeParams) -> Self {
        ExchangeParamsData {
            liquidation_fee_ppm: p.liquidation_fee_ppm,
            liquidator_share_ppm: p.liquidator_share_ppm,
            insurance_fee_share_ppm: p.insurance_fee_share_ppm,
        }
    }
}

impl Exchange {
    pub fn to_engine(&self) -> engine::Exchange {
        engine::Exchange {
            admin: key_of(&self.admin),
            collateral_mint: key_of(&self.collateral_mint),
            params: (&self.params).into(),
            paused: self.paused,
            liquidity_vault: self.liquidity_vault,
            insurance_fund: self.insurance_fund,
        }
    }

    /// Writes back what instructions may change (admin and mint are fixed at creation).
    pub fn store(&mut self, e: &engine::Exchange) {
        self.params = (&e.params).into();
        self.paused = e.paused;
        self.liquidity_vault = e.liquidity_vault;
        self.insurance_fund = e.insurance_fund;
    }
}

impl From<&MarketParamsData> for engine::MarketParams {
    fn from(p: &MarketParamsData) -> Self {
        engine::MarketParams {
            symbol: p.symbol.clone(),
            pyth_feed_id: p.pyth_feed_id,
            base_decimals: p.base_decimals,
            max_leverage: p.max_leverage,
            initial_margin_ppm: p.initial_margin_ppm,
            maintenance_margin_ppm: p.maintenance_margin_ppm,
            tick_size: p.tick_size,
            lot_size: p.lot_size,
            taker_fee_ppm: p.taker_fee_ppm,
            maker_fee_ppm: p.maker_fee_ppm,
            spread_ppm: p.spread_ppm,
            oracle_max_age_secs: p.oracle_max_age_secs,
            max_conf_ppm: p.max_conf_ppm,
            funding_interval_secs: p.funding_interval_secs,
            max_funding_rate: p.max_funding_rate,
        }
    }
}

impl From<&engine::MarketParams> for MarketParamsData {
    fn from(p: &engine::MarketParams) -> Self {
        MarketParamsData {
            symbol: p.symbol.clone(),
            pyth_feed_id: p.pyth_feed_id,
            base_decimals: p.base_decimals,
            max_leverage: p.max_leverage,
            initial_margin_ppm: p.initial_margin_ppm,
            maintenance_margin_ppm: p.maintenance_margin_ppm,
            tick_size: p.tick_size,
            lot_size: p.lot_size,
            taker_fee_ppm: p.taker_fee_ppm,
            maker_fee_ppm: p.maker_fee_ppm,
            spread_ppm: p.spread_ppm,
            oracle_max_age_secs: p.oracle_max_age_secs,
            max_conf_ppm: p.max_conf_ppm,
            funding_interval_secs: p.funding_interval_secs,
            max_funding_rate: p.max_funding_rate,
        }
    }
}

impl Market {
    pub fn to_engine(&self) -> engine::Market {
        engine::Market {
            index: self.index,
            params: (&self.params).into(),
            paused: self.paused,
            long_open_interest: self.long_open_interest,
            short_open_interest: self.short_open_interest,
            cumulative_funding: self.cumulative_funding,
            last_funding_ts: self.last_funding_ts,
            last_funding_rate: self.last_funding_rate,
        }
    }

    pub fn store(&mut self, m: &engine::Market) {
        self.index = m.index;
        self.params = (&m.params).into();
        self.paused = m.paused;
        self.long_open_interest = m.long_open_interest;
        self.short_open_interest = m.short_open_interest;
        self.cumulative_funding = m.cumulative_funding;
        self.last_funding_ts = m.last_funding_ts;
        self.last_funding_rate = m.last_funding_rate;
    }
}

impl UserAccount {
    pub fn to_engine(&self) -> engine::User {
        engine::User {
            owner: key_of(&self.owner),
            delegate: self.delegate.as_ref().map(key_of),
            collateral: self.collateral,
            positions: self
                .positions
                .iter()
                .filter(|p| p.base != 0)
                .map(|p| engine::Position {
                    market_index: p.market_index,
                    base: p.base,
                    quote_entry: p.quote_entry,
                    margin: p.margin,
                    last_cumulative_funding: p.last_cumulative_funding,
                })
                .collect(),
            next_order_id: self.next_order_id,
            open_orders: self.open_orders,
        }
    }

    /// Writes the engine's user back; its positions fill the first slots in market
    /// order and the rest are cleared (the engine caps them at `MAX_POSITIONS`).
    pub fn store(&mut self, u: &engine::User) {
        self.owner = pubkey_of(&u.owner);
        self.delegate = u.delegate.as_ref().map(pubkey_of);
        self.collateral = u.collateral;
        self.positions = [PositionSlot::default(); engine::MAX_POSITIONS];
        for (slot, p) in self.positions.iter_mut().zip(&u.positions) {
            *slot = PositionSlot {
                market_index: p.market_index,
                base: p.base,
                quote_entry: p.quote_entry,
                margin: p.margin,
                last_cumulative_funding: p.last_cumulative_funding,
            };
        }
        self.next_order_id = u.next_order_id;
        self.open_orders = u.open_orders;
    }
}

impl From<OrderKind> for engine::OrderKind {
    fn from(k: OrderKind) -> Self {
        match k {
            OrderKind::Market => engine::OrderKind::Market,
            OrderKind::Limit => engine::OrderKind::Limit,
            OrderKind::StopLoss => engine::OrderKind::StopLoss,
            OrderKind::TakeProfit => engine::OrderKind::TakeProfit,
        }
    }
}

impl From<engine::OrderKind> for OrderKind {
    fn from(k: engine::OrderKind) -> Self {
        match k {
            engine::OrderKind::Market => OrderKind::Market,
            engine::OrderKind::Limit => OrderKind::Limit,
            engine::OrderKind::StopLoss => OrderKind::StopLoss,
            engine::OrderKind::TakeProfit => OrderKind::TakeProfit,
        }
    }
}

impl From<Side> for engine::Side {
    fn from(s: Side) -> Self {
        match s {
            Side::Buy => engine::Side::Buy,
            Side::Sell => engine::Side::Sell,
        }
    }
}

impl From<engine::Side> for Side {
    fn from(s: engine::Side) -> Self {
        match s {
            engine::Side::Buy => Side::Buy,
            engine::Side::Sell => Side::Sell,
        }
    }
}

impl From<Pool> for engine::Pool {
    fn from(p: Pool) -> Self {
        match p {
            Pool::Liquidity => engine::Pool::Liquidity,
            Pool::Insurance => engine::Pool::Insurance,
        }
    }
}

impl From<engine::Pool> for Pool {
    fn from(p: engine::Pool) -> Self {
        match p {
            engine::Pool::Liquidity => Pool::Liquidity,
            engine::Pool::Insurance => Pool::Insurance,
        }
    }
}

impl Order {
    pub fn to_engine(&self) -> engine::Order {
        engine::Order {
            id: self.id,
            owner: key_of(&self.owner),
            market_index: self.market_index,
            kind: self.kind.into(),
            side: self.side.into(),
            size: self.size,
            price: self.price,
            trigger_price: self.trigger_price,
            reduce_only: self.reduce_only,
            client_order_id: self.client_order_id,
            leverage: self.leverage,
            reserved: self.reserved,
            placed_at: self.placed_at,
        }
    }

    pub fn store(&mut self, o: &engine::Order) {
        self.id = o.id;
        self.owner = pubkey_of(&o.owner);
        self.market_index = o.market_index;
        self.kind = o.kind.into();
        self.side = o.side.into();
        self.size = o.size;
        self.price = o.price;
        self.trigger_price = o.trigger_price;
        self.reduce_only = o.reduce_only;
        self.client_order_id = o.client_order_id;
        self.leverage = o.leverage;
        self.reserved = o.reserved;
        self.placed_at = o.placed_at;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_round_trips_through_fixed_slots() {
        let user = engine::User {
            owner: [1; 32],
            delegate: Some([2; 32]),
            collateral: 5,
            positions: vec![
                engine::Position { market_index: 0, base: -3, quote_entry: -300, margin: 40, last_cumulative_funding: -7 },
                engine::Position { market_index: 4, base: 9, quote_entry: 900, margin: 100, last_cumulative_funding: i128::MAX },
            ],
            next_order_id: 12,
            open_orders: 3,
        };
        let mut account = UserAccount {
            owner: Pubkey::default(),
            delegate: None,
            collateral: 0,
            positions: [PositionSlot { base: 1, ..Default::default() }; engine::MAX_POSITIONS],
            next_order_id: 0,
            open_orders: 0,
            bump: 255,
        };
        account.store(&user);
        assert_eq!(account.to_engine(), user);
        assert!(account.positions[2..].iter().all(|s| *s == PositionSlot::default()));
    }
}
