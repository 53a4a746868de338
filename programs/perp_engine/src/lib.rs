//! QuantDesk perpetual-futures exchange engine.
//!
//! The whole exchange as pure, integer-only state transitions: an instruction plus
//! the oracle update and clock it runs with turns a `State` into a new `State` and a
//! list of `Event`s, or fails with an `EngineError` whose numeric code is the same
//! on chain (the Anchor program `quantdesk_perp` calls these functions) and in the
//! Python mirror. SPEC.md is the normative description; the shared vectors in
//! `quantdesk_perp/vectors` pin its outputs.
//!
//! Modules, by concern: `math` (integer rounding), `state`, `oracle`, `pricing`
//! (spread, tick and lot), `risk` (margin, equity, liquidation price, funding owed),
//! `settlement` (money flows), `instructions`, `errors`, `events`.

pub mod errors;
pub mod events;
pub mod instructions;
pub mod math;
pub mod oracle;
pub mod pricing;
pub mod risk;
pub mod settlement;
pub mod state;

pub use errors::{EngineError, ErrorCode};
pub use events::Event;
pub use instructions::{apply, Env, Instruction};
pub use oracle::OracleInput;
pub use state::State;
