"""The engine's errors: one exception class per program error code.

    VenueError                      (quantdesk.errors)
    ├── ProgramError                a program error 6000–6035; carries code, name,
    │   │                           limit, value, field (see each class)
    │   ├── ExchangeAlreadyInitialized   6000
    │   ├── …                            one class per code, same names as the IDL
    │   └── MathOverflow                 6035
    └── EnginePanic                 the Rust engine would panic on this input
                                    (the state breaks an engine invariant)

Codes are stable: ``6000 + position`` in the Rust ``ErrorCode`` list, the same as
the Anchor program's ``#[error_code]`` enum and the IDL's ``errors``. ``limit`` is
the bound that was hit and ``value`` what the request or the state had; both are
reported as i64 (wider values saturate, as in Rust — only the report is affected).
"""

from __future__ import annotations

from enum import IntEnum
from typing import ClassVar

from quantdesk.errors import VenueError

__all__ = [
    "ERROR_CLASSES",
    "EnginePanic",
    "ErrorCode",
    "ProgramError",
]

_I64_MIN = -(1 << 63)
_I64_MAX = (1 << 63) - 1


class ErrorCode(IntEnum):
    """The program's custom error codes (Anchor's offset 6000 + position)."""

    ExchangeAlreadyInitialized = 6000
    ExchangeNotInitialized = 6001
    Unauthorized = 6002
    DelegateCannotWithdraw = 6003
    InvalidParameter = 6004
    TooManyMarkets = 6005
    MarketNotFound = 6006
    UserAlreadyExists = 6007
    UserNotFound = 6008
    ExchangePaused = 6009
    MarketPaused = 6010
    InvalidAmount = 6011
    InsufficientFreeCollateral = 6012
    OrderSizeBelowLot = 6013
    InvalidPrice = 6014
    InvalidLeverage = 6015
    OracleFeedMismatch = 6016
    OracleNotVerified = 6017
    OracleInvalidPrice = 6018
    OracleStale = 6019
    OracleConfidenceTooWide = 6020
    SlippageExceeded = 6021
    InsufficientCollateral = 6022
    InitialMarginViolated = 6023
    ReduceOnlyWouldIncrease = 6024
    WouldFlipPosition = 6025
    NoPosition = 6026
    TooManyPositions = 6027
    TooManyOpenOrders = 6028
    OrderNotFound = 6029
    OrderNotTriggerable = 6030
    NotLiquidatable = 6031
    CannotLiquidateSelf = 6032
    FundingNotDue = 6033
    InsufficientLiquidity = 6034
    MathOverflow = 6035


def _saturate(v: int | None) -> int | None:
    return None if v is None else max(_I64_MIN, min(_I64_MAX, v))


class EnginePanic(VenueError):
    """The Rust engine would panic (abort the transaction) on this input: an unchecked
    operation overflowed or divided by zero. Valid states never reach it; it means
    the state given to the engine breaks one of its invariants."""


class ProgramError(VenueError):
    """A program error the engine (and the on-chain program) reports by code.

    ``str(error)`` reads like the Rust ``Display``: name, code, what to do, and the
    field, limit and value when present.
    """

    code: ClassVar[ErrorCode]
    message: ClassVar[str]

    def __init__(self, *, limit: int | None = None, value: int | None = None, field: str | None = None) -> None:
        self.limit = _saturate(limit)
        self.value = _saturate(value)
        self.field = field
        super().__init__(self.describe())

    @property
    def name(self) -> str:
        return self.code.name

    def describe(self) -> str:
        text = f"{self.name} ({int(self.code)}): {self.message}"
        if self.field is not None:
            text += f"; field {self.field}"
        if self.limit is not None:
            text += f"; limit {self.limit}"
        if self.value is not None:
            text += f"; value {self.value}"
        return text

    @staticmethod
    def for_code(
        code: int, *, limit: int | None = None, value: int | None = None, field: str | None = None
    ) -> ProgramError:
        """The exception of the class registered for ``code`` (``KeyError`` if unknown)."""
        return ERROR_CLASSES[ErrorCode(code)](limit=limit, value=value, field=field)

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword-only __init__: rebuild through for_code so errors pickle across processes.
        return (_rebuild, (int(self.code), self.limit, self.value, self.field))


def _rebuild(code: int, limit: int | None, value: int | None, field: str | None) -> ProgramError:
    return ProgramError.for_code(code, limit=limit, value=value, field=field)


class ExchangeAlreadyInitialized(ProgramError):
    """`initialize_exchange` on an exchange that exists."""

    code = ErrorCode.ExchangeAlreadyInitialized
    message = "The exchange is already initialized"


class ExchangeNotInitialized(ProgramError):
    """Any instruction but `initialize_exchange` before the exchange exists."""

    code = ErrorCode.ExchangeNotInitialized
    message = "The exchange has not been initialized yet"


class Unauthorized(ProgramError):
    """The signer is not the admin, the owner, or (where trading is allowed) the delegate."""

    code = ErrorCode.Unauthorized
    message = "The signer is not allowed to perform this action on this account"


class DelegateCannotWithdraw(ProgramError):
    """The owner's delegate signed a withdrawal."""

    code = ErrorCode.DelegateCannotWithdraw
    message = "A trading delegate may trade but never withdraw; sign with the owner key"


class InvalidParameter(ProgramError):
    """``field`` is out of range; ``limit`` is the bound crossed, ``value`` what was given."""

    code = ErrorCode.InvalidParameter
    message = "A parameter is out of its allowed range; see field, limit and value"


class TooManyMarkets(ProgramError):
    """``limit``: the market limit (16); ``value``: the count the listing would reach."""

    code = ErrorCode.TooManyMarkets
    message = "The exchange already lists the maximum number of markets"


class MarketNotFound(ProgramError):
    """``value``: the market index asked for."""

    code = ErrorCode.MarketNotFound
    message = "No market exists at this index"


class UserAlreadyExists(ProgramError):
    """The signer already has a trading account."""

    code = ErrorCode.UserAlreadyExists
    message = "This wallet already has a trading account"


class UserNotFound(ProgramError):
    """The wallet has no trading account."""

    code = ErrorCode.UserNotFound
    message = "This wallet has no trading account; create one first"


class ExchangePaused(ProgramError):
    """The whole exchange is paused."""

    code = ErrorCode.ExchangePaused
    message = "The exchange is paused; only cancelling orders is possible"


class MarketPaused(ProgramError):
    """``value``: the paused market's index."""

    code = ErrorCode.MarketPaused
    message = "This market is paused; trading, funding and liquidation are halted"


class InvalidAmount(ProgramError):
    """A zero amount."""

    code = ErrorCode.InvalidAmount
    message = "The amount must be greater than zero"


class InsufficientFreeCollateral(ProgramError):
    """``limit``: the free collateral; ``value``: the amount asked."""

    code = ErrorCode.InsufficientFreeCollateral
    message = "Withdrawal exceeds free collateral; withdraw at most the limit"


class OrderSizeBelowLot(ProgramError):
    """``limit``: the lot size; ``value``: the size asked."""

    code = ErrorCode.OrderSizeBelowLot
    message = "The order size rounds down to zero lots; use at least one lot"


class InvalidPrice(ProgramError):
    """``value``: the price given, or the taker price when it is not positive."""

    code = ErrorCode.InvalidPrice
    message = "The price is missing, negative or rounds to zero at this market's tick"


class InvalidLeverage(ProgramError):
    """``limit``: the market's maximum leverage; ``value``: the leverage asked."""

    code = ErrorCode.InvalidLeverage
    message = "Leverage must be between 1 and the market's maximum"


class OracleFeedMismatch(ProgramError):
    """The update is for another Pyth feed than the market's."""

    code = ErrorCode.OracleFeedMismatch
    message = "The oracle account is for a different price feed than this market"


class OracleNotVerified(ProgramError):
    """The update is only partially verified."""

    code = ErrorCode.OracleNotVerified
    message = "The oracle update is not fully verified"


class OracleInvalidPrice(ProgramError):
    """``value``: the raw price mantissa."""

    code = ErrorCode.OracleInvalidPrice
    message = "The oracle price is not positive or its exponent is unsupported"


class OracleStale(ProgramError):
    """``limit``: the market's maximum age (s); ``value``: the update's age (s)."""

    code = ErrorCode.OracleStale
    message = "The oracle price is older than the market allows; retry after a fresh update"


class OracleConfidenceTooWide(ProgramError):
    """``limit``: the maximum confidence (ppm); ``value``: the update's (ppm)."""

    code = ErrorCode.OracleConfidenceTooWide
    message = "The oracle confidence interval is too wide relative to the price"


class SlippageExceeded(ProgramError):
    """``limit``: the order's price bound; ``value``: the fill price."""

    code = ErrorCode.SlippageExceeded
    message = "The fill price is worse than the order's price bound"


class InsufficientCollateral(ProgramError):
    """``limit``: the free collateral; ``value``: margin plus fee required."""

    code = ErrorCode.InsufficientCollateral
    message = "Free collateral does not cover the margin and fee; deposit or reduce size or raise leverage"


class InitialMarginViolated(ProgramError):
    """``limit``: the initial-margin requirement; ``value``: the equity after the fill."""

    code = ErrorCode.InitialMarginViolated
    message = "The position after this fill would be below initial margin; reduce size or add margin"


class ReduceOnlyWouldIncrease(ProgramError):
    """A reduce-only order without an opposite position."""

    code = ErrorCode.ReduceOnlyWouldIncrease
    message = "A reduce-only order needs an open position on the opposite side"


class WouldFlipPosition(ProgramError):
    """``limit``: the position size; ``value``: the order size."""

    code = ErrorCode.WouldFlipPosition
    message = "The order is larger than the opposite position; close the position first"


class NoPosition(ProgramError):
    """No open position in this market."""

    code = ErrorCode.NoPosition
    message = "There is no open position in this market"


class TooManyPositions(ProgramError):
    """``limit``: the position limit (8); ``value``: the count the fill would reach."""

    code = ErrorCode.TooManyPositions
    message = "The account already holds the maximum number of positions"


class TooManyOpenOrders(ProgramError):
    """``limit``: the open-order limit (16); ``value``: the count it would reach."""

    code = ErrorCode.TooManyOpenOrders
    message = "The account already has the maximum number of open orders"


class OrderNotFound(ProgramError):
    """``value``: the order id asked for."""

    code = ErrorCode.OrderNotFound
    message = "No open order with this id exists for this account"


class OrderNotTriggerable(ProgramError):
    """``limit``: the limit or trigger price; ``value``: the taker or oracle price."""

    code = ErrorCode.OrderNotTriggerable
    message = "The oracle has not crossed this order's price yet"


class NotLiquidatable(ProgramError):
    """``limit``: the maintenance requirement; ``value``: the position's equity."""

    code = ErrorCode.NotLiquidatable
    message = "The position is at or above maintenance margin"


class CannotLiquidateSelf(ProgramError):
    """The liquidator is the position's owner."""

    code = ErrorCode.CannotLiquidateSelf
    message = "An account cannot liquidate its own position"


class FundingNotDue(ProgramError):
    """``limit``: the next settlement time; ``value``: now."""

    code = ErrorCode.FundingNotDue
    message = "The next funding interval has not elapsed yet"


class InsufficientLiquidity(ProgramError):
    """``limit``: the vault balance; ``value``: the payment needed."""

    code = ErrorCode.InsufficientLiquidity
    message = "The liquidity vault cannot cover this payment right now"


class MathOverflow(ProgramError):
    """A result does not fit the integer type it is stored in."""

    code = ErrorCode.MathOverflow
    message = "A value is too large for the engine's fixed-point range"


ERROR_CLASSES: dict[ErrorCode, type[ProgramError]] = {cls.code: cls for cls in ProgramError.__subclasses__()}
if set(ERROR_CLASSES) != set(ErrorCode):  # pragma: no cover - a missing class is a programming error
    raise RuntimeError(f"error codes without a class: {sorted(set(ErrorCode) - set(ERROR_CLASSES))}")
