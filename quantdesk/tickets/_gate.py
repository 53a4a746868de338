"""The confirmation gate's rule, as one pure function: an approval resumes into
execution only if it names this ticket's full hash, comes from the ticket's user,
and arrives before expiry. Anything else is refused with the reason."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from quantdesk.errors import ApprovalError
from quantdesk.tickets._model import OrderTicket


class TicketExpired(ApprovalError):
    """The approval came after the ticket's expiry."""


class WrongTicket(ApprovalError):
    """The approval names another ticket's hash."""


class WrongUser(ApprovalError):
    """Someone other than the ticket's user tried to approve it."""


class TicketClosed(ApprovalError):
    """The ticket was already executed, rejected, cancelled or expired."""


@dataclass(frozen=True)
class Approval:
    """An explicit approval action from an interface (a button, /approve HASH, an API call)."""

    ticket_hash: str
    user_id: str
    at: datetime
    thread_id: str = ""  # the conversation it was given in (for the audit of a refused approval)


def check_approval(ticket: OrderTicket, approval: Approval) -> None:
    """Raise the matching :class:`ApprovalError` unless ``approval`` may execute ``ticket``."""
    # Constant-time compare: the hash is not secret, but there is no reason to leak prefixes.
    if not hmac.compare_digest(approval.ticket_hash.lower().encode(), ticket.ticket_hash.encode()):
        raise WrongTicket(f"approval names ticket {approval.ticket_hash[:12]!r}, the pending ticket is "
                          f"{ticket.short_hash}; nothing was executed")
    if approval.user_id != ticket.user_id:
        raise WrongUser(f"ticket {ticket.short_hash} belongs to another user; only its owner can approve it")
    if ticket.is_expired(approval.at):
        late = (approval.at - ticket.expires_at).total_seconds()
        raise TicketExpired(f"ticket {ticket.short_hash} expired {late:.0f}s before the approval "
                            f"(valid until {ticket.expires_at.isoformat(timespec='seconds')}); prepare it again")
