//! The JSON format shared by the vectors, the runner and the Python mirror
//! (specified in quantdesk_perp/vectors/README.md).

mod fields;
mod instruction;
mod outcome;
mod state;

pub use fields::{decode_key, encode_key, CodecResult, Fields};
pub use instruction::{decode_clock, decode_instruction, decode_oracle, decode_step, encode_clock, encode_instruction, encode_oracle};
pub use outcome::{encode_error, encode_event, encode_outcome};
pub use state::{decode_state, encode_state};
