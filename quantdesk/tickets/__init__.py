"""Order tickets: the exact transaction awaiting approval, the approval rule, and their storage."""

from quantdesk.tickets._execution import ClosedStatus, ExecutionReport, TicketExecutor
from quantdesk.tickets._gate import Approval, TicketClosed, TicketExpired, WrongTicket, WrongUser, check_approval
from quantdesk.tickets._model import DEFAULT_TTL, OrderTicket, SimulatedOutcome, TicketKind, message_hash
from quantdesk.tickets._store import StoredTicket, TicketExists, TicketStatus, TicketStore

__all__ = [
    "Approval",
    "ClosedStatus",
    "DEFAULT_TTL",
    "ExecutionReport",
    "OrderTicket",
    "SimulatedOutcome",
    "StoredTicket",
    "TicketClosed",
    "TicketExists",
    "TicketExpired",
    "TicketKind",
    "TicketStatus",
    "TicketExecutor",
    "TicketStore",
    "WrongTicket",
    "WrongUser",
    "check_approval",
    "message_hash",
]
