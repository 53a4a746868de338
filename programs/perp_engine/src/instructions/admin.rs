//! Exchange administration: initialization, listing markets, pausing, funding the pools.

use crate::errors::{EngineError, ErrorCode};
use crate::events::Event;
use crate::math::{apply_delta, MAX_PRICE, PPM};
use crate::state::{Exchange, ExchangeParams, Key, Market, MarketParams, Pool, MAX_MARKETS, MAX_SYMBOL_LEN};

/// Liquidation and trading fees above 10% are configuration mistakes, not policy.
pub const MAX_FEE_PPM: u32 = 100_000;
pub const MAX_SPREAD_PPM: u32 = 100_000;
pub const MAX_LEVERAGE: u16 = 100;
/// Beyond 12 decimals a whole base unit at MAX_PRICE no longer fits the i128 math.
pub const MAX_BASE_DECIMALS: u8 = 12;
/// 100% of notional per interval.
pub const MAX_FUNDING_RATE: i64 = 1_000_000_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InitializeExchangeArgs {
    /// Becomes the admin.
    pub signer: Key,
    pub collateral_mint: Key,
    pub params: ExchangeParams,
}

pub fn initialize_exchange(args: &InitializeExchangeArgs) -> Result<(Exchange, Event), EngineError> {
    let p = &args.params;
    at_most("liquidation_fee_ppm", p.liquidation_fee_ppm as i128, MAX_FEE_PPM as i128)?;
    at_most("liquidator_share_ppm", p.liquidator_share_ppm as i128, PPM)?;
    at_most("insurance_fee_share_ppm", p.insurance_fee_share_ppm as i128, PPM)?;
    let exchange = Exchange {
        admin: args.signer,
        collateral_mint: args.collateral_mint,
        params: p.clone(),
        paused: false,
        liquidity_vault: 0,
        insurance_fund: 0,
    };
    Ok((exchange, Event::ExchangeInitialized { admin: args.signer, collateral_mint: args.collateral_mint }))
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddMarketArgs {
    pub signer: Key,
    pub params: MarketParams,
}

/// Lists a market at index `market_count`; funding starts accruing from `now`.
pub fn add_market(exchange: &Exchange, market_count: usize, args: &AddMarketArgs, now: i64) -> Result<(Market, Event), EngineError> {
    require_admin(exchange, &args.signer)?;
    if market_count >= MAX_MARKETS {
        return Err(EngineError::bounded(ErrorCode::TooManyMarkets, MAX_MARKETS as i128, market_count as i128 + 1));
    }
    validate_market_params(&args.params)?;
    let market = Market {
        index: market_count as u16,
        params: args.params.clone(),
        paused: false,
        long_open_interest: 0,
        short_open_interest: 0,
        cumulative_funding: 0,
        last_funding_ts: now,
        last_funding_rate: 0,
    };
    let event =
        Event::MarketAdded { market_index: market.index, symbol: market.params.symbol.clone(), pyth_feed_id: market.params.pyth_feed_id };
    Ok((market, event))
}

/// Checks in the order SPEC.md lists; the first failure is reported.
fn validate_market_params(p: &MarketParams) -> Result<(), EngineError> {
    let symbol_ok = !p.symbol.is_empty() && p.symbol.bytes().all(|b| b.is_ascii_graphic());
    if !symbol_ok || p.symbol.len() > MAX_SYMBOL_LEN {
        return Err(EngineError::param("symbol", MAX_SYMBOL_LEN as i128, p.symbol.len() as i128));
    }
    at_most("base_decimals", p.base_decimals as i128, MAX_BASE_DECIMALS as i128)?;
    in_range("max_leverage", p.max_leverage as i128, 1, MAX_LEVERAGE as i128)?;
    // Initial margin must allow the maximum leverage: imr ≤ 1 / max_leverage.
    in_range("initial_margin_ppm", p.initial_margin_ppm as i128, 1, PPM / p.max_leverage as i128)?;
    in_range("maintenance_margin_ppm", p.maintenance_margin_ppm as i128, 1, p.initial_margin_ppm as i128 - 1)?;
    in_range("tick_size", p.tick_size as i128, 1, MAX_PRICE as i128)?;
    in_range("lot_size", p.lot_size as i128, 1, i64::MAX as i128)?;
    at_most("taker_fee_ppm", p.taker_fee_ppm as i128, MAX_FEE_PPM as i128)?;
    at_most("maker_fee_ppm", p.maker_fee_ppm as i128, p.taker_fee_ppm as i128)?;
    at_most("spread_ppm", p.spread_ppm as i128, MAX_SPREAD_PPM as i128)?;
    in_range("oracle_max_age_secs", p.oracle_max_age_secs as i128, 1, u32::MAX as i128)?;
    in_range("max_conf_ppm", p.max_conf_ppm as i128, 1, PPM)?;
    in_range("funding_interval_secs", p.funding_interval_secs as i128, 1, u32::MAX as i128)?;
    in_range("max_funding_rate", p.max_funding_rate as i128, 0, MAX_FUNDING_RATE as i128)?;
    Ok(())
}

/// `limit` names the bound that was crossed: the minimum when below it, else the maximum.
fn in_range(field: &'static str, value: i128, min: i128, max: i128) -> Result<(), EngineError> {
    if value < min {
        return Err(EngineError::param(field, min, value));
    }
    at_most(field, value, max)
}

fn at_most(field: &'static str, value: i128, max: i128) -> Result<(), EngineError> {
    if value > max {
        return Err(EngineError::param(field, max, value));
    }
    Ok(())
}

pub fn require_admin(exchange: &Exchange, signer: &Key) -> Result<(), EngineError> {
    if *signer != exchange.admin {
        return Err(EngineError::new(ErrorCode::Unauthorized));
    }
    Ok(())
}

/// Pauses or resumes the exchange (`market` = None) or one market.
pub fn set_paused(exchange: &mut Exchange, market: Option<&mut Market>, signer: &Key, paused: bool) -> Result<Event, EngineError> {
    require_admin(exchange, signer)?;
    let market_index = match market {
        Some(market) => {
            market.paused = paused;
            Some(market.index)
        }
        None => {
            exchange.paused = paused;
            None
        }
    };
    Ok(Event::PauseSet { market_index, paused })
}

/// Admin moves collateral into the liquidity vault or the insurance fund.
pub fn fund_pool(exchange: &mut Exchange, signer: &Key, pool: Pool, amount: u64) -> Result<Event, EngineError> {
    require_admin(exchange, signer)?;
    if amount == 0 {
        return Err(EngineError::new(ErrorCode::InvalidAmount));
    }
    let balance = match pool {
        Pool::Liquidity => &mut exchange.liquidity_vault,
        Pool::Insurance => &mut exchange.insurance_fund,
    };
    *balance = apply_delta(*balance, amount as i128)?;
    Ok(Event::PoolFunded { pool, amount, balance: *balance })
}
