"""The execution side of the gate, as the agent sees it: hand over an approval,
get back what happened; or close a ticket that will not run, or refuse an approval.
The implementation (claim, re-validate, sign, submit, and every audit record of a
ticket) lives with the venue; the agent never touches a key, a venue or the audit
trail of a ticket."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from quantdesk.tickets._gate import Approval
from quantdesk.tickets._model import OrderTicket

ClosedStatus = Literal["rejected", "expired", "cancelled"]


@dataclass(frozen=True)
class ExecutionReport:
    """What happened. ``rebuild``: nothing was sent because the ticket was built on
    an account state that has moved on (another order of the trader's landed
    first); the same request prepared again makes a valid ticket to ask about."""

    ok: bool
    ticket_hash: str
    summary: str
    signature: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    rebuild: bool = False


class TicketExecutor(Protocol):
    async def execute(self, approval: Approval) -> ExecutionReport:
        """Execute the approved ticket at most once; raise ApprovalError if the approval is not valid."""
        ...

    def close(self, ticket: OrderTicket, status: ClosedStatus, reason: str, now: datetime) -> None:
        """Close a pending ticket that will not run (rejected, expired, set aside) and record why."""
        ...

    def refuse(self, action: str, approval: Approval, reason: str, ticket: OrderTicket) -> None:
        """Record a decision on ``ticket`` that was refused (another ticket named, not its owner, too late)."""
        ...
