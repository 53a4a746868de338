//! The program's custom errors: the engine's `ErrorCode` list, variant for variant and
//! in the same order, so Anchor assigns the same numbers (6000 + index). A test
//! checks names and numbers against the engine.

use anchor_lang::prelude::*;
use perp_engine::{EngineError, ErrorCode};

#[error_code]
pub enum PerpError {
    #[msg("The exchange is already initialized")]
    ExchangeAlreadyInitialized,
    #[msg("The exchange has not been initialized yet")]
    ExchangeNotInitialized,
    #[msg("The signer is not allowed to perform this action on this account")]
    Unauthorized,
    #[msg("A trading delegate may trade but never withdraw; sign with the owner key")]
    DelegateCannotWithdraw,
    #[msg("A parameter is out of its allowed range; see field, limit and value")]
    InvalidParameter,
    #[msg("The exchange already lists the maximum number of markets")]
    TooManyMarkets,
    #[msg("No market exists at this index")]
    MarketNotFound,
    #[msg("This wallet already has a trading account")]
    UserAlreadyExists,
    #[msg("This wallet has no trading account; create one first")]
    UserNotFound,
    #[msg("The exchange is paused; only cancelling orders is possible")]
    ExchangePaused,
    #[msg("This market is paused; trading, funding and liquidation are halted")]
    MarketPaused,
    #[msg("The amount must be greater than zero")]
    InvalidAmount,
    #[msg("Withdrawal exceeds free collateral; withdraw at most the limit")]
    InsufficientFreeCollateral,
    #[msg("The order size rounds down to zero lots; use at least one lot")]
    OrderSizeBelowLot,
    #[msg("The price is missing, negative or rounds to zero at this market's tick")]
    InvalidPrice,
    #[msg("Leverage must be between 1 and the market's maximum")]
    InvalidLeverage,
    #[msg("The oracle account is for a different price feed than this market")]
    OracleFeedMismatch,
    #[msg("The oracle update is not fully verified")]
    OracleNotVerified,
    #[msg("The oracle price is not positive or its exponent is unsupported")]
    OracleInvalidPrice,
    #[msg("The oracle price is older than the market allows; retry after a fresh update")]
    OracleStale,
    #[msg("The oracle confidence interval is too wide relative to the price")]
    OracleConfidenceTooWide,
    #[msg("The fill price is worse than the order's price bound")]
    SlippageExceeded,
    #[msg("Free collateral does not cover the margin and fee; deposit or reduce size or raise leverage")]
    InsufficientCollateral,
    #[msg("The position after this fill would be below initial margin; reduce size or add margin")]
    InitialMarginViolated,
    #[msg("A reduce-only order needs an open position on the opposite side")]
    ReduceOnlyWouldIncrease,
    #[msg("The order is larger than the opposite position; close the position first")]
    WouldFlipPosition,
    #[msg("There is no open position in this market")]
    NoPosition,
    #[msg("The account already holds the maximum number of positions")]
    TooManyPositions,
    #[msg("The account already has the maximum number of open orders")]
    TooManyOpenOrders,
    #[msg("No open order with this id exists for this account")]
    OrderNotFound,
    #[msg("The oracle has not crossed this order's price yet")]
    OrderNotTriggerable,
    #[msg("The position is at or above maintenance margin")]
    NotLiquidatable,
    #[msg("An account cannot liquidate its own position")]
    CannotLiquidateSelf,
    #[msg("The next funding interval has not elapsed yet")]
    FundingNotDue,
    #[msg("The liquidity vault cannot cover this payment right now")]
    InsufficientLiquidity,
    #[msg("A value is too large for the engine's fixed-point range")]
    MathOverflow,
}

impl From<ErrorCode> for PerpError {
    fn from(code: ErrorCode) -> Self {
        match code {
            ErrorCode::ExchangeAlreadyInitialized => PerpError::ExchangeAlreadyInitialized,
            ErrorCode::ExchangeNotInitialized => PerpError::ExchangeNotInitialized,
            ErrorCode::Unauthorized => PerpError::Unauthorized,
            ErrorCode::DelegateCannotWithdraw => PerpError::DelegateCannotWithdraw,
            ErrorCode::InvalidParameter => PerpError::InvalidParameter,
            ErrorCode::TooManyMarkets => PerpError::TooManyMarkets,
            ErrorCode::MarketNotFound => PerpError::MarketNotFound,
            ErrorCode::UserAlreadyExists => PerpError::UserAlreadyExists,
            ErrorCode::UserNotFound => PerpError::UserNotFound,
            ErrorCode::ExchangePaused => PerpError::ExchangePaused,
            ErrorCode::MarketPaused => PerpError::MarketPaused,
            ErrorCode::InvalidAmount => PerpError::InvalidAmount,
            ErrorCode::InsufficientFreeCollateral => PerpError::InsufficientFreeCollateral,
            ErrorCode::OrderSizeBelowLot => PerpError::OrderSizeBelowLot,
            ErrorCode::InvalidPrice => PerpError::InvalidPrice,
            ErrorCode::InvalidLeverage => PerpError::InvalidLeverage,
            ErrorCode::OracleFeedMismatch => PerpError::OracleFeedMismatch,
            ErrorCode::OracleNotVerified => PerpError::OracleNotVerified,
            ErrorCode::OracleInvalidPrice => PerpError::OracleInvalidPrice,
            ErrorCode::OracleStale => PerpError::OracleStale,
            ErrorCode::OracleConfidenceTooWide => PerpError::OracleConfidenceTooWide,
            ErrorCode::SlippageExceeded => PerpError::SlippageExceeded,
            ErrorCode::InsufficientCollateral => PerpError::InsufficientCollateral,
            ErrorCode::InitialMarginViolated => PerpError::InitialMarginViolated,
            ErrorCode::ReduceOnlyWouldIncrease => PerpError::ReduceOnlyWouldIncrease,
            ErrorCode::WouldFlipPosition => PerpError::WouldFlipPosition,
            ErrorCode::NoPosition => PerpError::NoPosition,
            ErrorCode::TooManyPositions => PerpError::TooManyPositions,
            ErrorCode::TooManyOpenOrders => PerpError::TooManyOpenOrders,
            ErrorCode::OrderNotFound => PerpError::OrderNotFound,
            ErrorCode::OrderNotTriggerable => PerpError::OrderNotTriggerable,
            ErrorCode::NotLiquidatable => PerpError::NotLiquidatable,
            ErrorCode::CannotLiquidateSelf => PerpError::CannotLiquidateSelf,
            ErrorCode::FundingNotDue => PerpError::FundingNotDue,
            ErrorCode::InsufficientLiquidity => PerpError::InsufficientLiquidity,
            ErrorCode::MathOverflow => PerpError::MathOverflow,
        }
    }
}

/// Turns an engine failure into the program error with the same code, logging the
/// field and carrying the limit and value the trader needs (Anchor logs them as
/// "Left" / "Right" compared values).
pub fn engine_error(e: EngineError) -> anchor_lang::error::Error {
    if let Some(field) = e.field {
        msg!("field: {}", field);
    }
    let err: anchor_lang::error::Error = PerpError::from(e.code).into();
    match (e.limit, e.value) {
        (Some(limit), Some(value)) => err.with_values((limit, value)),
        (None, Some(value)) => {
            msg!("value: {}", value);
            err
        }
        _ => err,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn program_errors_match_the_engine_codes_name_for_name() {
        for code in ErrorCode::ALL {
            let program = PerpError::from(*code);
            assert_eq!(u32::from(program), code.code(), "{}", code.name());
            assert_eq!(program.name(), code.name());
            assert_eq!(program.to_string(), code.message());
        }
    }
}
