"""The execution side of the gate, as the agent sees it: hand over an approval,
get back what happened. The implementation (claim, re-validate, sign, submit,
audit) lives with the venue; the agent never touches a key or a venue."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from quantdesk.tickets._gate import Approval


@dataclass(frozen=True)
class ExecutionReport:
    ok: bool
    ticket_hash: str
    summary: str
    signature: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


class TicketExecutor(Protocol):
    async def execute(self, approval: Approval) -> ExecutionReport:
        """Execute the approved ticket at most once; raise ApprovalError if the approval is not valid."""
        ...
