//! The runner binary's contract: a document on stdin, one outcome per step on stdout.

use serde_json::{json, Value};
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_engine_runner"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runner starts");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn oracle() -> Value {
    json!({
        "feed_id": "ef0d8b6fda2ceba41da15d4095d1da392a0d2f8ed0c6c7bc0f4cfac8c280b56d",
        "price": 10_000_000_000i64, "conf": 1_000_000, "exponent": -8,
        "publish_time": 1_700_000_000, "fully_verified": true
    })
}

fn step(instruction: Value) -> Value {
    json!({ "instruction": instruction, "oracle": oracle(), "clock": { "unix_timestamp": 1_700_000_000 } })
}

const ADMIN: &str = "11111111111111111111111111111112";
const MINT: &str = "11111111111111111111111111111113";

#[test]
fn runs_steps_in_order_and_keeps_state_after_a_failure() {
    let doc = json!({
        "state": { "exchange": null, "markets": [], "users": [], "orders": [] },
        "steps": [
            step(json!({ "type": "deposit", "owner": ADMIN, "amount": 5 })),
            step(json!({ "type": "initialize_exchange", "signer": ADMIN, "collateral_mint": MINT,
                         "params": { "liquidation_fee_ppm": 10_000, "liquidator_share_ppm": 500_000, "insurance_fee_share_ppm": 0 } })),
            step(json!({ "type": "create_user", "signer": ADMIN, "delegate": null })),
            step(json!({ "type": "deposit", "owner": ADMIN, "amount": 7 })),
        ]
    });
    let out = run(&doc.to_string());
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let results: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = results["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    assert_eq!(results[0]["ok"], false);
    assert_eq!(results[0]["error"]["code"], 6001);
    assert_eq!(results[0]["error"]["name"], "ExchangeNotInitialized");
    assert_eq!(results[3]["ok"], true);
    assert_eq!(results[3]["state"]["users"][0]["collateral"], 7);
    assert_eq!(results[3]["events"][0], json!({ "type": "Deposit", "owner": ADMIN, "amount": 7, "collateral": 7 }));
}

#[test]
fn malformed_input_exits_2_with_a_message() {
    let out = run(
        r#"{"state": {"exchange": null, "markets": [], "users": [], "orders": []}, "steps": [{"instruction": {"type": "deposit", "owner": "x", "amount": 1}}]}"#,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("steps[0]"));
}

#[test]
fn unknown_fields_are_rejected() {
    let doc = json!({
        "state": { "exchange": null, "markets": [], "users": [], "orders": [] },
        "steps": [step(json!({ "type": "settle_funding", "market_index": 0, "extra": 1 }))]
    });
    let out = run(&doc.to_string());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown field `extra`"));
}
