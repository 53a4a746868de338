//! Account contexts and handlers. Each handler loads the engine's view of its
//! accounts, calls the matching `perp_engine` function, writes the result back,
//! moves tokens to match, and emits the engine's events.

pub mod accounts;
pub mod admin;
pub mod keeper;
pub mod trading;

pub use accounts::*;
pub use admin::*;
pub use keeper::*;
pub use trading::*;
