"""Trading: requests → exact, simulated, risk-checked tickets → approved execution.

Three steps behind one facade: :class:`OrderPlanner` (build, simulate, describe),
:class:`RiskGate` (the pre-trade rules), :class:`TicketDesk` (issue, claim,
re-validate, sign, submit, and the ticket's whole audit trail)."""

from quantdesk.trading._access import ProgramRejected
from quantdesk.trading._desk import StaleTicket, TicketDesk
from quantdesk.trading._funding import FundingOutlook, funding_outlook
from quantdesk.trading._hypothetical import UnfillableOrder, first_fill_oracle, resting_fill
from quantdesk.trading._outcomes import FAR_FROM_MARK_PCT, market_spec
from quantdesk.trading._planner import OrderDraft, OrderPlanner, TicketDraft
from quantdesk.trading._requests import (
    DEFAULT_LEVERAGE,
    DEFAULT_SLIPPAGE_BPS,
    OrderRequest,
    TradeRequestError,
    base_units,
    limit_price_units,
    max_size,
    price_units,
    size_for_notional,
    usdc_units,
)
from quantdesk.trading._risk_gate import RiskGate
from quantdesk.trading._service import OrderPlan, TradingService
from quantdesk.trading._wallets import UserWallets

__all__ = [
    "DEFAULT_LEVERAGE",
    "DEFAULT_SLIPPAGE_BPS",
    "FAR_FROM_MARK_PCT",
    "FundingOutlook",
    "OrderDraft",
    "OrderPlan",
    "OrderPlanner",
    "OrderRequest",
    "ProgramRejected",
    "RiskGate",
    "StaleTicket",
    "TicketDesk",
    "TicketDraft",
    "TradeRequestError",
    "TradingService",
    "UnfillableOrder",
    "UserWallets",
    "base_units",
    "first_fill_oracle",
    "funding_outlook",
    "limit_price_units",
    "market_spec",
    "max_size",
    "price_units",
    "resting_fill",
    "size_for_notional",
    "usdc_units",
]
