//! The shared test vectors: each case is one instruction applied to an explicit
//! state, with the engine's recorded outcome. `cases` builds them (the generator
//! writes them to quantdesk_perp/vectors/*.json); `check_case` replays a case read
//! back from JSON, which is what the Rust tests and the Python mirror both do.

pub mod cases;
pub mod fixtures;

use crate::codec::{
    decode_state, decode_step, encode_clock, encode_instruction, encode_oracle, encode_outcome, encode_state, CodecResult, Fields,
};
use perp_engine::{apply, Env, ErrorCode, Instruction, State};
use serde_json::{json, Value};

pub struct Case {
    pub name: String,
    pub description: String,
    pub state: State,
    pub instruction: Instruction,
    pub env: Env,
    pub outcome: Value,
    /// The error code the case produces, if it fails.
    pub error: Option<ErrorCode>,
}

/// Collects the cases of one vector file. Each case states what it expects
/// (success or a given error) and recording panics if the engine disagrees, so a
/// case can never silently test something other than its description.
#[derive(Default)]
pub struct Suite {
    pub cases: Vec<Case>,
}

impl Suite {
    pub fn ok(&mut self, name: &str, description: &str, state: &State, instruction: Instruction, env: &Env) -> State {
        let result = apply(state, &instruction, env);
        let next = match &result {
            Ok((next, _)) => next.clone(),
            Err(e) => panic!("vector `{name}` expected success, got {e}"),
        };
        self.push(name, description, state, instruction, env, &result, None);
        next
    }

    pub fn err(&mut self, code: ErrorCode, name: &str, description: &str, state: &State, instruction: Instruction, env: &Env) {
        let result = apply(state, &instruction, env);
        match &result {
            Err(e) if e.code == code => {}
            Err(e) => panic!("vector `{name}` expected {}, got {e}", code.name()),
            Ok(_) => panic!("vector `{name}` expected {}, got success", code.name()),
        }
        self.push(name, description, state, instruction, env, &result, Some(code));
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        name: &str,
        description: &str,
        state: &State,
        instruction: Instruction,
        env: &Env,
        result: &Result<(State, Vec<perp_engine::Event>), perp_engine::EngineError>,
        error: Option<ErrorCode>,
    ) {
        assert!(self.cases.iter().all(|c| c.name != name), "duplicate vector name `{name}`");
        self.cases.push(Case {
            name: name.to_owned(),
            description: description.to_owned(),
            state: state.clone(),
            instruction,
            env: env.clone(),
            outcome: encode_outcome(result),
            error,
        });
    }
}

pub fn encode_case(case: &Case) -> Value {
    json!({
        "name": case.name,
        "description": case.description,
        "state": encode_state(&case.state),
        "instruction": encode_instruction(&case.instruction),
        "oracle": encode_oracle(&case.env.oracle),
        "clock": encode_clock(case.env.now),
        "expected": case.outcome,
    })
}

/// A vector file: `{"description": ..., "cases": [...]}`.
pub fn encode_file(description: &str, suite: &Suite) -> Value {
    json!({ "description": description, "cases": suite.cases.iter().map(encode_case).collect::<Vec<_>>() })
}

/// Replays one case from its JSON form and compares the engine's outcome with
/// `expected`, field by field. Returns the case's name and its error code, if any.
pub fn check_case(case: &Value) -> CodecResult<(String, Option<u32>)> {
    let mut f = Fields::of("case", case)?;
    let name = f.string("name")?;
    f.string("description")?;
    let state = decode_state(f.raw("state")?)?;
    let (instruction, env) = decode_step(&mut f)?;
    let expected = f.raw("expected")?.clone();
    f.finish()?;
    let actual = encode_outcome(&apply(&state, &instruction, &env));
    if actual != expected {
        return Err(format!("vector `{name}`: engine output differs\nexpected: {expected}\nactual:   {actual}"));
    }
    let code = expected.get("error").and_then(|e| e.get("code")).and_then(Value::as_u64).map(|c| c as u32);
    Ok((name, code))
}
