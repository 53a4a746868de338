//! JSON front end of `perp_engine`: the shared vector format (`codec`), running
//! a document of steps through the engine (`run_document`), and the vector cases.

pub mod codec;
pub mod vectors;

use codec::{decode_state, decode_step, encode_outcome, CodecResult, Fields};
use perp_engine::apply;
use serde_json::{json, Value};

/// Runs `{"state": ..., "steps": [{"instruction", "oracle", "clock"}, ...]}` and
/// returns `{"results": [outcome, ...]}`, one outcome per step. A failed step leaves
/// the state unchanged and the next step starts from it.
pub fn run_document(doc: &Value) -> CodecResult<Value> {
    let mut f = Fields::of("document", doc)?;
    let mut state = decode_state(f.raw("state")?)?;
    let steps = f.array("steps")?;
    f.finish()?;
    let mut results = Vec::with_capacity(steps.len());
    for (i, step) in steps.iter().enumerate() {
        let mut sf = Fields::of("step", step)?;
        let (instruction, env) = decode_step(&mut sf).map_err(|e| format!("steps[{i}]: {e}"))?;
        sf.finish().map_err(|e| format!("steps[{i}]: {e}"))?;
        let outcome = apply(&state, &instruction, &env);
        results.push(encode_outcome(&outcome));
        if let Ok((next, _)) = outcome {
            state = next;
        }
    }
    Ok(json!({ "results": results }))
}
