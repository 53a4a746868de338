//! JSON form of the engine state (see vectors/README.md).

use super::fields::{encode_hex32, encode_key, encode_opt_key, i128_string, CodecResult, Fields};
use perp_engine::state::{Exchange, ExchangeParams, Market, MarketParams, Order, OrderKind, Pool, Position, Side, State, User};
use serde_json::{json, Value};

pub fn encode_state(s: &State) -> Value {
    json!({
        "exchange": s.exchange.as_ref().map_or(Value::Null, encode_exchange),
        "markets": s.markets.iter().map(encode_market).collect::<Vec<_>>(),
        "users": s.users.iter().map(encode_user).collect::<Vec<_>>(),
        "orders": s.orders.iter().map(encode_order).collect::<Vec<_>>(),
    })
}

pub fn decode_state(v: &Value) -> CodecResult<State> {
    let mut f = Fields::of("state", v)?;
    let exchange = match f.raw("exchange")? {
        Value::Null => None,
        e => Some(decode_exchange(e)?),
    };
    let markets = f.array("markets")?.iter().map(decode_market).collect::<CodecResult<Vec<_>>>()?;
    let users = f.array("users")?.iter().map(decode_user).collect::<CodecResult<Vec<_>>>()?;
    let orders = f.array("orders")?.iter().map(decode_order).collect::<CodecResult<Vec<_>>>()?;
    f.finish()?;
    for (i, m) in markets.iter().enumerate() {
        if m.index as usize != i {
            return Err(format!("state: markets[{i}] has index {}", m.index));
        }
    }
    Ok(State { exchange, markets, users, orders })
}

pub fn encode_exchange_params(p: &ExchangeParams) -> Value {
    json!({
        "liquidation_fee_ppm": p.liquidation_fee_ppm,
        "liquidator_share_ppm": p.liquidator_share_ppm,
        "insurance_fee_share_ppm": p.insurance_fee_share_ppm,
    })
}

pub fn decode_exchange_params(v: &Value) -> CodecResult<ExchangeParams> {
    let mut f = Fields::of("exchange params", v)?;
    let p = ExchangeParams {
        liquidation_fee_ppm: f.int("liquidation_fee_ppm")?,
        liquidator_share_ppm: f.int("liquidator_share_ppm")?,
        insurance_fee_share_ppm: f.int("insurance_fee_share_ppm")?,
    };
    f.finish()?;
    Ok(p)
}

fn encode_exchange(e: &Exchange) -> Value {
    json!({
        "admin": encode_key(&e.admin),
        "collateral_mint": encode_key(&e.collateral_mint),
        "params": encode_exchange_params(&e.params),
        "paused": e.paused,
        "liquidity_vault": e.liquidity_vault,
        "insurance_fund": e.insurance_fund,
    })
}

fn decode_exchange(v: &Value) -> CodecResult<Exchange> {
    let mut f = Fields::of("exchange", v)?;
    let e = Exchange {
        admin: f.key("admin")?,
        collateral_mint: f.key("collateral_mint")?,
        params: decode_exchange_params(f.raw("params")?)?,
        paused: f.bool("paused")?,
        liquidity_vault: f.int("liquidity_vault")?,
        insurance_fund: f.int("insurance_fund")?,
    };
    f.finish()?;
    Ok(e)
}

pub fn encode_market_params(p: &MarketParams) -> Value {
    json!({
        "symbol": p.symbol,
        "pyth_feed_id": encode_hex32(&p.pyth_feed_id),
        "base_decimals": p.base_decimals,
        "max_leverage": p.max_leverage,
        "initial_margin_ppm": p.initial_margin_ppm,
        "maintenance_margin_ppm": p.maintenance_margin_ppm,
        "tick_size": p.tick_size,
        "lot_size": p.lot_size,
        "taker_fee_ppm": p.taker_fee_ppm,
        "maker_fee_ppm": p.maker_fee_ppm,
        "spread_ppm": p.spread_ppm,
        "oracle_max_age_secs": p.oracle_max_age_secs,
        "max_conf_ppm": p.max_conf_ppm,
        "funding_interval_secs": p.funding_interval_secs,
        "max_funding_rate": p.max_funding_rate,
    })
}

pub fn decode_market_params(v: &Value) -> CodecResult<MarketParams> {
    let mut f = Fields::of("market params", v)?;
    let p = MarketParams {
        symbol: f.string("symbol")?,
        pyth_feed_id: f.hex32("pyth_feed_id")?,
        base_decimals: f.int("base_decimals")?,
        max_leverage: f.int("max_leverage")?,
        initial_margin_ppm: f.int("initial_margin_ppm")?,
        maintenance_margin_ppm: f.int("maintenance_margin_ppm")?,
        tick_size: f.int("tick_size")?,
        lot_size: f.int("lot_size")?,
        taker_fee_ppm: f.int("taker_fee_ppm")?,
        maker_fee_ppm: f.int("maker_fee_ppm")?,
        spread_ppm: f.int("spread_ppm")?,
        oracle_max_age_secs: f.int("oracle_max_age_secs")?,
        max_conf_ppm: f.int("max_conf_ppm")?,
        funding_interval_secs: f.int("funding_interval_secs")?,
        max_funding_rate: f.int("max_funding_rate")?,
    };
    f.finish()?;
    Ok(p)
}

fn encode_market(m: &Market) -> Value {
    json!({
        "index": m.index,
        "params": encode_market_params(&m.params),
        "paused": m.paused,
        "long_open_interest": m.long_open_interest,
        "short_open_interest": m.short_open_interest,
        "cumulative_funding": i128_string(m.cumulative_funding),
        "last_funding_ts": m.last_funding_ts,
        "last_funding_rate": m.last_funding_rate,
    })
}

fn decode_market(v: &Value) -> CodecResult<Market> {
    let mut f = Fields::of("market", v)?;
    let m = Market {
        index: f.int("index")?,
        params: decode_market_params(f.raw("params")?)?,
        paused: f.bool("paused")?,
        long_open_interest: f.int("long_open_interest")?,
        short_open_interest: f.int("short_open_interest")?,
        cumulative_funding: f.i128_string("cumulative_funding")?,
        last_funding_ts: f.int("last_funding_ts")?,
        last_funding_rate: f.int("last_funding_rate")?,
    };
    f.finish()?;
    Ok(m)
}

fn encode_position(p: &Position) -> Value {
    json!({
        "market_index": p.market_index,
        "base": p.base,
        "quote_entry": p.quote_entry,
        "margin": p.margin,
        "last_cumulative_funding": i128_string(p.last_cumulative_funding),
    })
}

fn decode_position(v: &Value) -> CodecResult<Position> {
    let mut f = Fields::of("position", v)?;
    let p = Position {
        market_index: f.int("market_index")?,
        base: f.int("base")?,
        quote_entry: f.int("quote_entry")?,
        margin: f.int("margin")?,
        last_cumulative_funding: f.i128_string("last_cumulative_funding")?,
    };
    f.finish()?;
    Ok(p)
}

fn encode_user(u: &User) -> Value {
    json!({
        "owner": encode_key(&u.owner),
        "delegate": encode_opt_key(&u.delegate),
        "collateral": u.collateral,
        "positions": u.positions.iter().map(encode_position).collect::<Vec<_>>(),
        "next_order_id": u.next_order_id,
        "open_orders": u.open_orders,
    })
}

fn decode_user(v: &Value) -> CodecResult<User> {
    let mut f = Fields::of("user", v)?;
    let u = User {
        owner: f.key("owner")?,
        delegate: f.opt_key("delegate")?,
        collateral: f.int("collateral")?,
        positions: f.array("positions")?.iter().map(decode_position).collect::<CodecResult<Vec<_>>>()?,
        next_order_id: f.int("next_order_id")?,
        open_orders: f.int("open_orders")?,
    };
    f.finish()?;
    Ok(u)
}

fn encode_order(o: &Order) -> Value {
    json!({
        "id": o.id,
        "owner": encode_key(&o.owner),
        "market_index": o.market_index,
        "kind": kind_name(o.kind),
        "side": side_name(o.side),
        "size": o.size,
        "price": o.price,
        "trigger_price": o.trigger_price,
        "reduce_only": o.reduce_only,
        "client_order_id": o.client_order_id,
        "leverage": o.leverage,
        "reserved": o.reserved,
        "placed_at": o.placed_at,
    })
}

fn decode_order(v: &Value) -> CodecResult<Order> {
    let mut f = Fields::of("order", v)?;
    let o = Order {
        id: f.int("id")?,
        owner: f.key("owner")?,
        market_index: f.int("market_index")?,
        kind: parse_kind(&f.string("kind")?)?,
        side: parse_side(&f.string("side")?)?,
        size: f.int("size")?,
        price: f.int("price")?,
        trigger_price: f.int("trigger_price")?,
        reduce_only: f.bool("reduce_only")?,
        client_order_id: f.int("client_order_id")?,
        leverage: f.int("leverage")?,
        reserved: f.int("reserved")?,
        placed_at: f.int("placed_at")?,
    };
    f.finish()?;
    Ok(o)
}

pub fn kind_name(k: OrderKind) -> &'static str {
    match k {
        OrderKind::Market => "market",
        OrderKind::Limit => "limit",
        OrderKind::StopLoss => "stop_loss",
        OrderKind::TakeProfit => "take_profit",
    }
}

pub fn parse_kind(s: &str) -> CodecResult<OrderKind> {
    match s {
        "market" => Ok(OrderKind::Market),
        "limit" => Ok(OrderKind::Limit),
        "stop_loss" => Ok(OrderKind::StopLoss),
        "take_profit" => Ok(OrderKind::TakeProfit),
        _ => Err(format!("unknown order kind `{s}`")),
    }
}

pub fn side_name(s: Side) -> &'static str {
    match s {
        Side::Buy => "buy",
        Side::Sell => "sell",
    }
}

pub fn parse_side(s: &str) -> CodecResult<Side> {
    match s {
        "buy" => Ok(Side::Buy),
        "sell" => Ok(Side::Sell),
        _ => Err(format!("unknown side `{s}`")),
    }
}

pub fn pool_name(p: Pool) -> &'static str {
    match p {
        Pool::Liquidity => "liquidity",
        Pool::Insurance => "insurance",
    }
}

pub fn parse_pool(s: &str) -> CodecResult<Pool> {
    match s {
        "liquidity" => Ok(Pool::Liquidity),
        "insurance" => Ok(Pool::Insurance),
        _ => Err(format!("unknown pool `{s}`")),
    }
}
