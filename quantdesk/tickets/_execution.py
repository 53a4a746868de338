"""The execution side of the gate, as the agent sees it: hand over an approval,
get back what happened. The implementation (claim, re-validate, sign, submit,
audit) lives with the venue; the agent never touches a key or a venue."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from quantdesk.tickets._gate import Approval


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
