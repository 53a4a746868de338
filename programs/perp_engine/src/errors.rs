//! Engine errors. `ErrorCode` is the stable list: its numeric codes start at 6000
//! (where Anchor custom errors start) and the Anchor program's `#[error_code]` enum
//! declares the same variants in the same order, so a code read from a failed
//! transaction means the same thing here, on chain and in the Python mirror.
//! Never reorder or remove a variant; append new ones at the end.
//!
//! `EngineError` pairs a code with the numbers a trader needs to act on it
//! (`limit` = the bound that was hit, `value` = what the request or state had)
//! and, for parameter errors, the name of the offending field.

use std::fmt;

/// First custom error code (Anchor's `ERROR_CODE_OFFSET`).
pub const ERROR_CODE_OFFSET: u32 = 6000;

macro_rules! error_codes {
    ($($name:ident => $msg:literal,)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[repr(u32)]
        pub enum ErrorCode { $($name,)* }

        impl ErrorCode {
            /// Every code, in declaration (= numeric) order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$name,)*];

            pub fn name(self) -> &'static str {
                match self { $(ErrorCode::$name => stringify!($name),)* }
            }

            /// What went wrong and what the trader can do about it.
            pub fn message(self) -> &'static str {
                match self { $(ErrorCode::$name => $msg,)* }
            }
        }
    };
}

error_codes! {
    ExchangeAlreadyInitialized => "The exchange is already initialized",
    ExchangeNotInitialized => "The exchange has not been initialized yet",
    Unauthorized => "The signer is not allowed to perform this action on this account",
    DelegateCannotWithdraw => "A trading delegate may trade but never withdraw; sign with the owner key",
    InvalidParameter => "A parameter is out of its allowed range; see field, limit and value",
    TooManyMarkets => "The exchange already lists the maximum number of markets",
    MarketNotFound => "No market exists at this index",
    UserAlreadyExists => "This wallet already has a trading account",
    UserNotFound => "This wallet has no trading account; create one first",
    ExchangePaused => "The exchange is paused; only cancelling orders is possible",
    MarketPaused => "This market is paused; trading, funding and liquidation are halted",
    InvalidAmount => "The amount must be greater than zero",
    InsufficientFreeCollateral => "Withdrawal exceeds free collateral; withdraw at most the limit",
    OrderSizeBelowLot => "The order size rounds down to zero lots; use at least one lot",
    InvalidPrice => "The price is missing, negative or rounds to zero at this market's tick",
    InvalidLeverage => "Leverage must be between 1 and the market's maximum",
    OracleFeedMismatch => "The oracle account is for a different price feed than this market",
    OracleNotVerified => "The oracle update is not fully verified",
    OracleInvalidPrice => "The oracle price is not positive or its exponent is unsupported",
    OracleStale => "The oracle price is older than the market allows; retry after a fresh update",
    OracleConfidenceTooWide => "The oracle confidence interval is too wide relative to the price",
    SlippageExceeded => "The fill price is worse than the order's price bound",
    InsufficientCollateral => "Free collateral does not cover the margin and fee; deposit or reduce size or raise leverage",
    InitialMarginViolated => "The position after this fill would be below initial margin; reduce size or add margin",
    ReduceOnlyWouldIncrease => "A reduce-only order needs an open position on the opposite side",
    WouldFlipPosition => "The order is larger than the opposite position; close the position first",
    NoPosition => "There is no open position in this market",
    TooManyPositions => "The account already holds the maximum number of positions",
    TooManyOpenOrders => "The account already has the maximum number of open orders",
    OrderNotFound => "No open order with this id exists for this account",
    OrderNotTriggerable => "The oracle has not crossed this order's price yet",
    NotLiquidatable => "The position is at or above maintenance margin",
    CannotLiquidateSelf => "An account cannot liquidate its own position",
    FundingNotDue => "The next funding interval has not elapsed yet",
    InsufficientLiquidity => "The liquidity vault cannot cover this payment right now",
    MathOverflow => "A value is too large for the engine's fixed-point range",
}

impl ErrorCode {
    /// Stable numeric code: 6000 + position in the list.
    pub fn code(self) -> u32 {
        ERROR_CODE_OFFSET + self as u32
    }

    pub fn from_code(code: u32) -> Option<ErrorCode> {
        code.checked_sub(ERROR_CODE_OFFSET).and_then(|i| ErrorCode::ALL.get(i as usize).copied())
    }
}

/// An engine failure: the code plus the numbers behind it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngineError {
    pub code: ErrorCode,
    /// The bound that was hit (e.g. the maximum age, the free collateral).
    pub limit: Option<i64>,
    /// What the request or the state had (e.g. the actual age, the amount asked).
    pub value: Option<i64>,
    /// For `InvalidParameter`: the argument's name.
    pub field: Option<&'static str>,
}

impl EngineError {
    pub fn new(code: ErrorCode) -> Self {
        EngineError { code, limit: None, value: None, field: None }
    }

    /// An error with both numbers. Inputs wider than `i64` saturate, which only
    /// matters for the report, never for the decision that raised the error.
    pub fn bounded(code: ErrorCode, limit: i128, value: i128) -> Self {
        EngineError { code, limit: Some(saturate(limit)), value: Some(saturate(value)), field: None }
    }

    pub fn with_value(code: ErrorCode, value: i128) -> Self {
        EngineError { code, limit: None, value: Some(saturate(value)), field: None }
    }

    pub fn param(field: &'static str, limit: i128, value: i128) -> Self {
        EngineError { field: Some(field), ..Self::bounded(ErrorCode::InvalidParameter, limit, value) }
    }
}

fn saturate(v: i128) -> i64 {
    v.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.code.name(), self.code.code(), self.code.message())?;
        if let Some(field) = self.field {
            write!(f, "; field {field}")?;
        }
        if let Some(limit) = self.limit {
            write!(f, "; limit {limit}")?;
        }
        if let Some(value) = self.value {
            write!(f, "; value {value}")?;
        }
        Ok(())
    }
}

impl std::error::Error for EngineError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_dense_from_6000_and_round_trip() {
        for (i, code) in ErrorCode::ALL.iter().enumerate() {
            assert_eq!(code.code(), 6000 + i as u32);
            assert_eq!(ErrorCode::from_code(code.code()), Some(*code));
        }
        assert_eq!(ErrorCode::from_code(5999), None);
        assert_eq!(ErrorCode::from_code(6000 + ErrorCode::ALL.len() as u32), None);
    }

    #[test]
    fn display_names_the_numbers() {
        let e = EngineError::bounded(ErrorCode::OracleStale, 60, 61);
        assert_eq!(
            e.to_string(),
            "OracleStale (6019): The oracle price is older than the market allows; retry after a fresh update; limit 60; value 61"
        );
    }
}
