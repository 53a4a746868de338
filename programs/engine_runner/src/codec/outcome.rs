//! JSON form of an instruction's result: events, errors, and the outcome wrapper.

use super::fields::{encode_hex32, encode_key, encode_opt_key, i128_string};
use super::state::{encode_state, kind_name, pool_name, side_name};
use perp_engine::{EngineError, Event, State};
use serde_json::{json, Value};

pub fn encode_event(e: &Event) -> Value {
    let mut v = match e {
        Event::ExchangeInitialized { admin, collateral_mint } => {
            json!({ "admin": encode_key(admin), "collateral_mint": encode_key(collateral_mint) })
        }
        Event::MarketAdded { market_index, symbol, pyth_feed_id } => {
            json!({ "market_index": market_index, "symbol": symbol, "pyth_feed_id": encode_hex32(pyth_feed_id) })
        }
        Event::PauseSet { market_index, paused } => json!({ "market_index": market_index, "paused": paused }),
        Event::PoolFunded { pool, amount, balance } => json!({ "pool": pool_name(*pool), "amount": amount, "balance": balance }),
        Event::UserCreated { owner, delegate } => json!({ "owner": encode_key(owner), "delegate": encode_opt_key(delegate) }),
        Event::DelegateSet { owner, delegate } => json!({ "owner": encode_key(owner), "delegate": encode_opt_key(delegate) }),
        Event::Deposit { owner, amount, collateral } => json!({ "owner": encode_key(owner), "amount": amount, "collateral": collateral }),
        Event::Withdraw { owner, amount, collateral } => json!({ "owner": encode_key(owner), "amount": amount, "collateral": collateral }),
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
        } => json!({
            "owner": encode_key(owner),
            "order_id": order_id,
            "client_order_id": client_order_id,
            "market_index": market_index,
            "kind": kind_name(*kind),
            "side": side_name(*side),
            "size": size,
            "price": price,
            "trigger_price": trigger_price,
            "reduce_only": reduce_only,
            "leverage": leverage,
            "resting": resting,
            "reserved": reserved,
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
        } => json!({
            "owner": encode_key(owner),
            "order_id": order_id,
            "market_index": market_index,
            "side": side_name(*side),
            "size": size,
            "price": price,
            "maker": maker,
            "fee": fee,
            "realized_pnl": realized_pnl,
            "position_base": position_base,
            "position_quote_entry": position_quote_entry,
            "position_margin": position_margin,
            "liquidation_price": liquidation_price,
        }),
        Event::OrderCancelled { owner, order_id, refunded } => {
            json!({ "owner": encode_key(owner), "order_id": order_id, "refunded": refunded })
        }
        Event::PositionClosed { owner, market_index, payout, bad_debt } => {
            json!({ "owner": encode_key(owner), "market_index": market_index, "payout": payout, "bad_debt": bad_debt })
        }
        Event::FundingSettled { market_index, rate, intervals, oracle_price, cumulative_funding } => json!({
            "market_index": market_index,
            "rate": rate,
            "intervals": intervals,
            "oracle_price": oracle_price,
            "cumulative_funding": i128_string(*cumulative_funding),
        }),
        Event::FundingPaid { owner, market_index, amount } => {
            json!({ "owner": encode_key(owner), "market_index": market_index, "amount": amount })
        }
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
        } => json!({
            "owner": encode_key(owner),
            "liquidator": encode_key(liquidator),
            "market_index": market_index,
            "base": base,
            "price": price,
            "realized_pnl": realized_pnl,
            "liquidation_fee": liquidation_fee,
            "liquidator_reward": liquidator_reward,
            "insurance_fee": insurance_fee,
            "payout": payout,
            "bad_debt": bad_debt,
            "insurance_cover": insurance_cover,
        }),
    };
    v["type"] = Value::String(e.name().to_owned());
    v
}

pub fn encode_error(e: &EngineError) -> Value {
    json!({
        "code": e.code.code(),
        "name": e.code.name(),
        "limit": e.limit,
        "value": e.value,
        "field": e.field,
    })
}

/// `{"ok": true, "state", "events"}` or `{"ok": false, "error"}` (the state is then unchanged).
pub fn encode_outcome(result: &Result<(State, Vec<Event>), EngineError>) -> Value {
    match result {
        Ok((state, events)) => json!({
            "ok": true,
            "state": encode_state(state),
            "events": events.iter().map(encode_event).collect::<Vec<_>>(),
        }),
        Err(e) => json!({ "ok": false, "error": encode_error(e) }),
    }
}
