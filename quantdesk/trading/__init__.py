"""Trading: requests → exact, simulated, risk-checked tickets → approved execution."""

from quantdesk.trading._requests import OrderRequest, TradeRequestError
from quantdesk.trading._service import ProgramRejected, TradingService
from quantdesk.trading._wallets import UserWallets

__all__ = ["OrderRequest", "ProgramRejected", "TradeRequestError", "TradingService", "UserWallets"]
