//! Shared instruction byte vectors: for each case, the instruction's arguments as
//! language-neutral JSON and the exact bytes Anchor's own serializer produces for
//! them. This test proves the program decodes those bytes back to the same
//! arguments; the Python client (anchorpy) and the official TypeScript client
//! (@coral-xyz/anchor) are checked against the same file by the Python tests.
//!
//! Regenerate after an IDL change: `QD_WRITE_IX_VECTORS=1 cargo test -p quantdesk_perp --test ix_vectors`.

use anchor_lang::{AnchorDeserialize, Discriminator, InstructionData};
use quantdesk_perp::instruction as ix;
use quantdesk_perp::{ExchangeParamsData, MarketParamsData, OrderKind, PlaceOrderParams, Pool, Side};
use anchor_lang::prelude::Pubkey;
use serde_json::{json, Value};

const FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/ix_vectors.json");

struct Case {
    name: &'static str,
    instruction: &'static str,
    args: Value,
    data: Vec<u8>,
    /// Decodes the bytes (after the discriminator) with the program's own types and re-encodes them.
    roundtrip: fn(&[u8]) -> Vec<u8>,
}

fn key(seed: u8) -> Pubkey {
    Pubkey::new_from_array([seed; 32])
}

fn rt<T: AnchorDeserialize + InstructionData + Discriminator>(bytes: &[u8]) -> Vec<u8> {
    assert_eq!(&bytes[..8], T::DISCRIMINATOR, "discriminator");
    let mut rest = &bytes[8..];
    let decoded = T::deserialize(&mut rest).expect("the program decodes the bytes");
    assert!(rest.is_empty(), "trailing bytes after the arguments");
    decoded.data()
}

fn order(name: &'static str, kind: OrderKind, kind_json: &str, side: Side, side_json: &str, size: u64, price: i64,
         trigger: i64, reduce_only: bool, coid: u64, leverage: u16) -> Case {
    let params = PlaceOrderParams { kind, side, size, price, trigger_price: trigger, reduce_only,
                                    client_order_id: coid, leverage };
    Case {
        name,
        instruction: "place_order",
        args: json!({"params": {"kind": {kind_json: {}}, "side": {side_json: {}}, "size": size.to_string(),
                                "price": price.to_string(), "trigger_price": trigger.to_string(),
                                "reduce_only": reduce_only, "client_order_id": coid.to_string(),
                                "leverage": leverage}}),
        data: ix::PlaceOrder { params }.data(),
        roundtrip: rt::<ix::PlaceOrder>,
    }
}

fn cases() -> Vec<Case> {
    let feed: [u8; 32] = core::array::from_fn(|i| i as u8 * 7);
    vec![
        Case {
            name: "initialize_exchange",
            instruction: "initialize_exchange",
            args: json!({"params": {"liquidation_fee_ppm": 10_000, "liquidator_share_ppm": 500_000,
                                    "insurance_fee_share_ppm": 200_000}}),
            data: ix::InitializeExchange { params: ExchangeParamsData { liquidation_fee_ppm: 10_000,
                liquidator_share_ppm: 500_000, insurance_fee_share_ppm: 200_000 } }.data(),
            roundtrip: rt::<ix::InitializeExchange>,
        },
        Case {
            name: "add_market_sol",
            instruction: "add_market",
            args: json!({"params": {"symbol": "SOL-PERP", "pyth_feed_id": feed.to_vec(), "base_decimals": 9,
                "max_leverage": 20, "initial_margin_ppm": 50_000, "maintenance_margin_ppm": 25_000,
                "tick_size": "1000", "lot_size": "10000000", "taker_fee_ppm": 500, "maker_fee_ppm": 200,
                "spread_ppm": 300, "oracle_max_age_secs": 30, "max_conf_ppm": 10_000,
                "funding_interval_secs": 3600, "max_funding_rate": "-1000000"}}),
            data: ix::AddMarket { params: MarketParamsData { symbol: "SOL-PERP".into(), pyth_feed_id: feed,
                base_decimals: 9, max_leverage: 20, initial_margin_ppm: 50_000, maintenance_margin_ppm: 25_000,
                tick_size: 1000, lot_size: 10_000_000, taker_fee_ppm: 500, maker_fee_ppm: 200, spread_ppm: 300,
                oracle_max_age_secs: 30, max_conf_ppm: 10_000, funding_interval_secs: 3600,
                max_funding_rate: -1_000_000 } }.data(),
            roundtrip: rt::<ix::AddMarket>,
        },
        Case { name: "set_paused_true", instruction: "set_paused", args: json!({"paused": true}),
               data: ix::SetPaused { paused: true }.data(), roundtrip: rt::<ix::SetPaused> },
        Case { name: "fund_pool_insurance", instruction: "fund_pool",
               args: json!({"pool": {"Insurance": {}}, "amount": u64::MAX.to_string()}),
               data: ix::FundPool { pool: Pool::Insurance, amount: u64::MAX }.data(), roundtrip: rt::<ix::FundPool> },
        Case { name: "fund_pool_liquidity", instruction: "fund_pool",
               args: json!({"pool": {"Liquidity": {}}, "amount": "1000000000"}),
               data: ix::FundPool { pool: Pool::Liquidity, amount: 1_000_000_000 }.data(),
               roundtrip: rt::<ix::FundPool> },
        Case { name: "create_user_no_delegate", instruction: "create_user", args: json!({"delegate": null}),
               data: ix::CreateUser { delegate: None }.data(), roundtrip: rt::<ix::CreateUser> },
        Case { name: "create_user_with_delegate", instruction: "create_user",
               args: json!({"delegate": key(9).to_string()}),
               data: ix::CreateUser { delegate: Some(key(9)) }.data(), roundtrip: rt::<ix::CreateUser> },
        Case { name: "set_delegate_clear", instruction: "set_delegate", args: json!({"delegate": null}),
               data: ix::SetDelegate { delegate: None }.data(), roundtrip: rt::<ix::SetDelegate> },
        Case { name: "deposit", instruction: "deposit", args: json!({"amount": "10000000000"}),
               data: ix::Deposit { amount: 10_000_000_000 }.data(), roundtrip: rt::<ix::Deposit> },
        Case { name: "withdraw", instruction: "withdraw", args: json!({"amount": "1"}),
               data: ix::Withdraw { amount: 1 }.data(), roundtrip: rt::<ix::Withdraw> },
        order("market_long", OrderKind::Market, "Market", Side::Buy, "Buy", 2_000_000_000, 151_000_000, 0, false,
              1, 5),
        order("limit_short", OrderKind::Limit, "Limit", Side::Sell, "Sell", 300_000_000, 3_100_000_000, 0, false,
              u64::MAX, 3),
        order("stop_loss", OrderKind::StopLoss, "StopLoss", Side::Sell, "Sell", 2_000_000_000, 0, 140_000_000, true,
              42, 1),
        order("take_profit", OrderKind::TakeProfit, "TakeProfit", Side::Buy, "Buy", 1, i64::MAX, i64::MIN, true, 0,
              u16::MAX),
        Case { name: "cancel_order", instruction: "cancel_order", args: json!({}),
               data: ix::CancelOrder {}.data(), roundtrip: rt::<ix::CancelOrder> },
        Case { name: "close_position_partial", instruction: "close_position",
               args: json!({"size": "1000000000", "price_limit": "-1"}),
               data: ix::ClosePosition { size: 1_000_000_000, price_limit: -1 }.data(),
               roundtrip: rt::<ix::ClosePosition> },
        Case { name: "trigger_order", instruction: "trigger_order", args: json!({}),
               data: ix::TriggerOrder {}.data(), roundtrip: rt::<ix::TriggerOrder> },
        Case { name: "settle_funding", instruction: "settle_funding", args: json!({}),
               data: ix::SettleFunding {}.data(), roundtrip: rt::<ix::SettleFunding> },
        Case { name: "liquidate", instruction: "liquidate", args: json!({}),
               data: ix::Liquidate {}.data(), roundtrip: rt::<ix::Liquidate> },
    ]
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn shared_instruction_vectors_decode_in_the_program_and_match_the_committed_file() {
    let cases = cases();
    for case in &cases {
        assert_eq!((case.roundtrip)(&case.data), case.data, "{}: decode/re-encode changed the bytes", case.name);
    }
    let doc = json!({
        "about": "Instruction data (Anchor discriminator + Borsh args) for the args shown; generated by \
                  programs/quantdesk_perp/tests/ix_vectors.rs. 64-bit integers are decimal strings.",
        "cases": cases.iter().map(|c| json!({"name": c.name, "instruction": c.instruction, "args": c.args,
                                              "hex": hex(&c.data)})).collect::<Vec<_>>(),
    });
    let rendered = serde_json::to_string_pretty(&doc).unwrap() + "\n";
    if std::env::var_os("QD_WRITE_IX_VECTORS").is_some() {
        std::fs::write(FILE, &rendered).unwrap();
    }
    let committed = std::fs::read_to_string(FILE).expect("ix_vectors.json exists (QD_WRITE_IX_VECTORS=1 to create)");
    assert_eq!(committed, rendered, "ix_vectors.json is stale: regenerate with QD_WRITE_IX_VECTORS=1");
}

#[test]
fn every_instruction_of_the_program_has_a_vector() {
    let idl: Value = serde_json::from_str(&std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"),
        "/idl/quantdesk_perp.json")).unwrap()).unwrap();
    let covered: std::collections::BTreeSet<&str> = cases().iter().map(|c| c.instruction).collect();
    for ix in idl["instructions"].as_array().unwrap() {
        let name = ix["name"].as_str().unwrap();
        assert!(covered.contains(name), "no byte vector for instruction {name}");
    }
}
