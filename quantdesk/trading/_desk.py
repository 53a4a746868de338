"""The ticket desk: issues tickets from drafts, and executes approved ones (the
confirmation gate's other half; implements TicketExecutor). It alone writes a
ticket's audit trail: the refusal before a ticket exists, the ticket, the approval
or a refused approval, the signature, the result, the error.

execute: claim the ticket with the approval (owner, full hash, before expiry, once;
the one claim is audited as the approval, every refused one as a refusal) → then,
one ticket of a trader at a time: is an order's order number still the trader's
next one → re-simulate the same message (the price may have moved past the bound)
→ the risk gate again → sign exactly the ticket's bytes → submit → audit and
record. A transaction that must fail is never signed: on a cluster a failed
transaction still pays fees.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import datetime
from typing import Any

from solders.message import from_bytes_versioned
from solders.transaction import VersionedTransaction

from quantdesk.audit import AuditLog
from quantdesk.engine import State
from quantdesk.errors import ApprovalError, QuantDeskError, VenueError
from quantdesk.exchange import PerpInstructions, TransactionRejected
from quantdesk.locks import KeyedLocks
from quantdesk.risk import RiskReport
from quantdesk.tickets import (
    DEFAULT_TTL,
    Approval,
    ClosedStatus,
    ExecutionReport,
    OrderTicket,
    TicketStore,
    message_hash,
)
from quantdesk.trading._access import VenueAccess
from quantdesk.trading._outcomes import describe_fill, market_spec, order_outcome
from quantdesk.trading._planner import TicketDraft
from quantdesk.trading._requests import price_units
from quantdesk.trading._risk_gate import RiskGate


class StaleTicket(VenueError):
    """The ticket was built on an account state that has moved on; prepared again it would be valid."""


class TicketDesk:
    def __init__(self, access: VenueAccess, ixs: PerpInstructions, gate: RiskGate, tickets: TicketStore,
                 audit: AuditLog, clock: Callable[[], datetime]) -> None:
        self._access = access
        self._ixs = ixs
        self._gate = gate
        self._tickets = tickets
        self._audit = audit
        self._clock = clock
        # Re-validation and submission of one trader's tickets must not interleave: two
        # tickets built on the same account state would both simulate fine, and the second
        # would then land as a failed transaction.
        self._trader_turns = KeyedLocks()

    # --- issue ---------------------------------------------------------------
    def declined(self, user_id: str, thread_id: str, tool: str, params: dict[str, Any], error: str,
                 **detail: Any) -> None:
        """Record a request refused before any ticket exists (by the program's simulation or the risk rules)."""
        # Part of the trader's story too: explain_event answers "why was my order rejected?" from this record.
        self._audit.append("error", user_id=user_id, thread_id=thread_id,
                           detail={"stage": "prepare", "tool": tool, "params": params, "error": error, **detail})

    def issue(self, user_id: str, thread_id: str, tool: str, params: dict[str, Any], draft: TicketDraft,
              report: RiskReport | None = None) -> OrderTicket:
        """Save and audit the draft as a pending ticket whose identity is the SHA-256 of its message."""
        now = self._clock()
        ticket = OrderTicket(
            ticket_hash=message_hash(draft.message_bytes), user_id=user_id, thread_id=thread_id, kind=draft.kind,
            tool=tool, params=params, market=draft.market, summary=draft.summary, price_bound=draft.bound,
            outcome=draft.outcome, risk=[] if report is None else [dict(vars(r)) for r in report.results],
            message_b64=base64.b64encode(draft.message_bytes).decode(), created_at=now, expires_at=now + DEFAULT_TTL)
        self._tickets.save(ticket)
        self._audit.append("ticket", user_id=user_id, thread_id=thread_id, ticket_hash=ticket.ticket_hash,
                           detail={"summary": draft.summary, **draft.audit})
        return ticket

    # --- close and refuse (TicketExecutor) -----------------------------------
    def close(self, ticket: OrderTicket, status: ClosedStatus, reason: str, now: datetime) -> None:
        """A pending ticket that will not run: closed in the store, and why, in the audit trail."""
        self._tickets.close(ticket.ticket_hash, status, reason, now)
        self._audit.append("expiry" if status == "expired" else "rejection", user_id=ticket.user_id,
                           thread_id=ticket.thread_id, ticket_hash=ticket.ticket_hash,
                           detail={"status": status, "reason": reason})

    def refuse(self, action: str, approval: Approval, reason: str, ticket: OrderTicket) -> None:
        """A decision on ``ticket`` that was refused: who named what, and why."""
        self._audit.refusal(action, user_id=approval.user_id, thread_id=ticket.thread_id, reason=reason,
                            named=approval.ticket_hash, ticket_hash=ticket.ticket_hash)

    # --- execute (TicketExecutor) --------------------------------------------
    async def execute(self, approval: Approval) -> ExecutionReport:
        try:
            ticket = self._tickets.claim(approval)  # wrong hash/user, expired, already used: ApprovalError
        except ApprovalError as exc:
            self._audit.refusal("approve", user_id=approval.user_id, thread_id=approval.thread_id, reason=str(exc),
                                named=approval.ticket_hash)
            raise
        self._audit.append("approval", user_id=approval.user_id, thread_id=ticket.thread_id,
                           ticket_hash=ticket.ticket_hash, detail={"at": approval.at.isoformat()})
        try:
            async with self._trader_turns(ticket.user_id):
                return await self._execute(ticket)
        except QuantDeskError as exc:
            self._tickets.finish(ticket.ticket_hash, ok=False, signature=None, result={"error": str(exc)})
            self._audit.append("error", user_id=ticket.user_id, thread_id=ticket.thread_id,
                               ticket_hash=ticket.ticket_hash, detail={"error": str(exc)})
            return ExecutionReport(False, ticket.ticket_hash, f"Not executed: {exc}. Nothing was sent.",
                                   rebuild=isinstance(exc, StaleTicket))

    async def _check_order_number(self, ticket: OrderTicket, message: Any) -> State:
        """An order ticket names the account of the trader's next order number at build time; once another
        order of theirs has landed, that account is taken and the transaction must fail. Returns the state read."""
        owner, state, user = await self._access.account(ticket.user_id)
        if self._ixs.order(owner, user.next_order_id) not in message.account_keys:
            raise StaleTicket(f"another order of yours landed after ticket {ticket.short_hash} was prepared, so the "
                              f"order number it was built with is taken (your next is #{user.next_order_id})")
        return state

    async def _execute(self, ticket: OrderTicket) -> ExecutionReport:
        message_bytes = ticket.message_bytes
        if message_hash(message_bytes) != ticket.ticket_hash:
            raise VenueError("ticket bytes do not match its hash")  # defence in depth; OrderTicket checks too
        signer, _ = self._access.wallets.signer_for(ticket.user_id)
        message = from_bytes_versioned(message_bytes)
        if message.account_keys[0] != signer.pubkey:
            raise VenueError("the ticket's fee payer is not this trader's wallet; nothing was signed")
        state = await self._check_order_number(ticket, message) if ticket.kind == "order" else None
        spec = market_spec(ticket.market) if ticket.market else None
        gated = self._access.oracle_price(spec)[1] if spec else None  # refuses a stale or wide price at execution too
        result = await self._access.simulate(message_bytes)  # SlippageExceeded here = price moved past the bound
        if state is not None and spec is not None:
            # The same measures as at preparation, on today's state: a resting order's would-be fill included.
            kept = {k: ticket.outcome.detail[k] for k in ("leverage", "reduces", "buys")}
            bound = price_units(ticket.price_bound) if ticket.price_bound else None
            self._gate.check(ticket.user_id, spec, gated, order_outcome(spec, result, state, **kept),
                             bound).raise_if_failed()
        tx = VersionedTransaction.populate(message, [signer.sign_message(message_bytes)])
        signature = str(tx.signatures[0])
        self._audit.append("signature", user_id=ticket.user_id, thread_id=ticket.thread_id,
                           ticket_hash=ticket.ticket_hash, detail={"signature": signature})
        try:
            landed = await self._access.venue.submit(bytes(tx))
        except TransactionRejected as exc:
            raise VenueError(f"the venue refused the transaction ({exc})") from None
        data = {"signature": signature, "events": list(landed.events), "ok": landed.ok}
        self._audit.append("result", user_id=ticket.user_id, thread_id=ticket.thread_id,
                           ticket_hash=ticket.ticket_hash, detail={"ok": landed.ok, "error": landed.error_message})
        self._tickets.finish(ticket.ticket_hash, ok=landed.ok, signature=signature, result=data)
        if not landed.ok:
            return ExecutionReport(False, ticket.ticket_hash, f"The program refused it: {landed.error_message}",
                                   signature, data)
        text = (describe_fill(spec, landed, ticket) if spec is not None
                else f"Done: {ticket.summary}. Transaction {signature[:16]}…")
        return ExecutionReport(True, ticket.ticket_hash, text, signature, data)
