//! Every vector file and its cases, by topic.

mod accounts;
mod admin;
mod funding;
mod liquidation;
mod margin;
mod oracle;
mod orders;
mod positions;

use super::Suite;

pub struct VectorFile {
    /// File name without `.json`.
    pub stem: &'static str,
    pub description: &'static str,
    pub suite: Suite,
}

pub fn all() -> Vec<VectorFile> {
    vec![
        VectorFile {
            stem: "admin",
            description: "Exchange initialization, market listing, pausing and pool funding",
            suite: admin::cases(),
        },
        VectorFile { stem: "accounts", description: "Trading accounts, delegates, deposits and withdrawals", suite: accounts::cases() },
        VectorFile {
            stem: "orders",
            description: "Placing, resting, cancelling and triggering orders; lot and tick rounding; reduce-only",
            suite: orders::cases(),
        },
        VectorFile {
            stem: "margin",
            description: "Collateral and initial-margin limits, at and one step past each boundary",
            suite: margin::cases(),
        },
        VectorFile {
            stem: "positions",
            description: "Closing positions fully and partially; realized PnL, fees, bad debt",
            suite: positions::cases(),
        },
        VectorFile { stem: "liquidation", description: "Liquidation boundary, fee split and bad debt", suite: liquidation::cases() },
        VectorFile {
            stem: "funding",
            description: "Funding rate sign, accrual over intervals and settlement into positions",
            suite: funding::cases(),
        },
        VectorFile {
            stem: "oracle",
            description: "Oracle feed, verification, price, staleness and confidence checks",
            suite: oracle::cases(),
        },
    ]
}
