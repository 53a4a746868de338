"""Trading: requests → exact, simulated, risk-checked tickets → approved execution."""

from quantdesk.trading._requests import (
    DEFAULT_LEVERAGE,
    DEFAULT_SLIPPAGE_BPS,
    OrderRequest,
    TradeRequestError,
    max_size,
)
from quantdesk.trading._service import ProgramRejected, TradingService
from quantdesk.trading._wallets import UserWallets
from quantdesk.trading._outcomes import FAR_FROM_MARK_PCT, market_spec
from quantdesk.trading._hypothetical import UnfillableOrder, first_fill_oracle, resting_fill

__all__ = [
    "DEFAULT_LEVERAGE", "DEFAULT_SLIPPAGE_BPS", "FAR_FROM_MARK_PCT", "OrderRequest", "ProgramRejected",
    "TradeRequestError", "TradingService", "UnfillableOrder", "UserWallets", "first_fill_oracle", "market_spec",
    "max_size", "resting_fill",
]
