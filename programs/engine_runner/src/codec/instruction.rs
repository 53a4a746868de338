//! JSON form of instructions and of what the runtime supplies with them (oracle, clock).

use super::fields::{encode_hex32, encode_key, encode_opt_key, CodecResult, Fields};
use super::state::{
    decode_exchange_params, decode_market_params, encode_exchange_params, encode_market_params, kind_name, parse_kind, parse_pool,
    parse_side, pool_name, side_name,
};
use perp_engine::instructions::{AddMarketArgs, ClosePositionArgs, InitializeExchangeArgs, PlaceOrderArgs};
use perp_engine::{Env, Instruction, OracleInput};
use serde_json::{json, Value};

pub fn encode_instruction(ix: &Instruction) -> Value {
    let mut v = match ix {
        Instruction::InitializeExchange(a) => json!({
            "signer": encode_key(&a.signer),
            "collateral_mint": encode_key(&a.collateral_mint),
            "params": encode_exchange_params(&a.params),
        }),
        Instruction::AddMarket(a) => json!({ "signer": encode_key(&a.signer), "params": encode_market_params(&a.params) }),
        Instruction::SetPaused { signer, market_index, paused } => {
            json!({ "signer": encode_key(signer), "market_index": market_index, "paused": paused })
        }
        Instruction::FundPool { signer, pool, amount } => {
            json!({ "signer": encode_key(signer), "pool": pool_name(*pool), "amount": amount })
        }
        Instruction::CreateUser { signer, delegate } => json!({ "signer": encode_key(signer), "delegate": encode_opt_key(delegate) }),
        Instruction::SetDelegate { signer, owner, delegate } => {
            json!({ "signer": encode_key(signer), "owner": encode_key(owner), "delegate": encode_opt_key(delegate) })
        }
        Instruction::Deposit { owner, amount } => json!({ "owner": encode_key(owner), "amount": amount }),
        Instruction::Withdraw { signer, owner, amount } => {
            json!({ "signer": encode_key(signer), "owner": encode_key(owner), "amount": amount })
        }
        Instruction::PlaceOrder(a) => json!({
            "signer": encode_key(&a.signer),
            "owner": encode_key(&a.owner),
            "market_index": a.market_index,
            "kind": kind_name(a.kind),
            "side": side_name(a.side),
            "size": a.size,
            "price": a.price,
            "trigger_price": a.trigger_price,
            "reduce_only": a.reduce_only,
            "client_order_id": a.client_order_id,
            "leverage": a.leverage,
        }),
        Instruction::CancelOrder { signer, owner, order_id } => {
            json!({ "signer": encode_key(signer), "owner": encode_key(owner), "order_id": order_id })
        }
        Instruction::ClosePosition(a) => json!({
            "signer": encode_key(&a.signer),
            "owner": encode_key(&a.owner),
            "market_index": a.market_index,
            "size": a.size,
            "price_limit": a.price_limit,
        }),
        Instruction::TriggerOrder { owner, order_id } => json!({ "owner": encode_key(owner), "order_id": order_id }),
        Instruction::SettleFunding { market_index } => json!({ "market_index": market_index }),
        Instruction::Liquidate { signer, owner, market_index } => {
            json!({ "signer": encode_key(signer), "owner": encode_key(owner), "market_index": market_index })
        }
    };
    v["type"] = Value::String(ix.name().to_owned());
    v
}

pub fn decode_instruction(v: &Value) -> CodecResult<Instruction> {
    let mut f = Fields::of("instruction", v)?;
    let kind = f.string("type")?;
    let ix = match kind.as_str() {
        "initialize_exchange" => Instruction::InitializeExchange(InitializeExchangeArgs {
            signer: f.key("signer")?,
            collateral_mint: f.key("collateral_mint")?,
            params: decode_exchange_params(f.raw("params")?)?,
        }),
        "add_market" => Instruction::AddMarket(AddMarketArgs { signer: f.key("signer")?, params: decode_market_params(f.raw("params")?)? }),
        "set_paused" => {
            Instruction::SetPaused { signer: f.key("signer")?, market_index: f.opt_int("market_index")?, paused: f.bool("paused")? }
        }
        "fund_pool" => Instruction::FundPool { signer: f.key("signer")?, pool: parse_pool(&f.string("pool")?)?, amount: f.int("amount")? },
        "create_user" => Instruction::CreateUser { signer: f.key("signer")?, delegate: f.opt_key("delegate")? },
        "set_delegate" => Instruction::SetDelegate { signer: f.key("signer")?, owner: f.key("owner")?, delegate: f.opt_key("delegate")? },
        "deposit" => Instruction::Deposit { owner: f.key("owner")?, amount: f.int("amount")? },
        "withdraw" => Instruction::Withdraw { signer: f.key("signer")?, owner: f.key("owner")?, amount: f.int("amount")? },
        "place_order" => Instruction::PlaceOrder(PlaceOrderArgs {
            signer: f.key("signer")?,
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
        }),
        "cancel_order" => Instruction::CancelOrder { signer: f.key("signer")?, owner: f.key("owner")?, order_id: f.int("order_id")? },
        "close_position" => Instruction::ClosePosition(ClosePositionArgs {
            signer: f.key("signer")?,
            owner: f.key("owner")?,
            market_index: f.int("market_index")?,
            size: f.int("size")?,
            price_limit: f.int("price_limit")?,
        }),
        "trigger_order" => Instruction::TriggerOrder { owner: f.key("owner")?, order_id: f.int("order_id")? },
        "settle_funding" => Instruction::SettleFunding { market_index: f.int("market_index")? },
        "liquidate" => Instruction::Liquidate { signer: f.key("signer")?, owner: f.key("owner")?, market_index: f.int("market_index")? },
        other => return Err(format!("instruction: unknown type `{other}`")),
    };
    f.finish()?;
    Ok(ix)
}

pub fn encode_oracle(o: &OracleInput) -> Value {
    json!({
        "feed_id": encode_hex32(&o.feed_id),
        "price": o.price,
        "conf": o.conf,
        "exponent": o.exponent,
        "publish_time": o.publish_time,
        "fully_verified": o.fully_verified,
    })
}

pub fn decode_oracle(v: &Value) -> CodecResult<OracleInput> {
    let mut f = Fields::of("oracle", v)?;
    let o = OracleInput {
        feed_id: f.hex32("feed_id")?,
        price: f.int("price")?,
        conf: f.int("conf")?,
        exponent: f.int("exponent")?,
        publish_time: f.int("publish_time")?,
        fully_verified: f.bool("fully_verified")?,
    };
    f.finish()?;
    Ok(o)
}

pub fn encode_clock(now: i64) -> Value {
    json!({ "unix_timestamp": now })
}

pub fn decode_clock(v: &Value) -> CodecResult<i64> {
    let mut f = Fields::of("clock", v)?;
    let now = f.int("unix_timestamp")?;
    f.finish()?;
    Ok(now)
}

/// Reads `instruction`, `oracle` and `clock` from a step or a vector case.
pub fn decode_step(f: &mut Fields) -> CodecResult<(Instruction, Env)> {
    let instruction = decode_instruction(f.raw("instruction")?)?;
    let oracle = decode_oracle(f.raw("oracle")?)?;
    let now = decode_clock(f.raw("clock")?)?;
    Ok((instruction, Env { oracle, now }))
}
