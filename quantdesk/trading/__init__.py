"""Trading: requests → exact, simulated, risk-checked tickets → approved execution.

Three steps behind one facade: :class:`OrderPlanner` (build, simulate, describe),
:class:`RiskGate` (the pre-trade rules), :class:`TicketDesk` (issue, claim,
re-validate, sign, submit, and the ticket's whole audit trail)."""

from quantdesk.trading._access import ProgramRejected
from quantdesk.trading._desk import StaleTicket, TicketDesk
from quantdesk.trading._funding import FundingOutlook
from quantdesk.trading._planner import OrderDraft, OrderPlanner, TicketDraft
from quantdesk.trading._requests import OrderRequest, TradeRequestError
from quantdesk.trading._risk_gate import RiskGate
from quantdesk.trading._service import OrderPlan, TradingService
from quantdesk.trading._wallets import UserWallets

__all__ = ["FundingOutlook", "OrderDraft", "OrderPlan", "OrderPlanner", "OrderRequest", "ProgramRejected",
           "RiskGate", "StaleTicket", "TicketDesk", "TicketDraft", "TradeRequestError", "TradingService",
           "UserWallets"]
