"""Tickets: ``GET /v1/tickets/{hash}`` and the decisions ``POST …/approve`` and
``POST …/reject``, each naming the ticket's full hash, from its owner only.

A decision goes through ChatSession on the ticket's own thread (whichever surface
made it: this API, the web page, the terminal), so the confirmation gate, the
audit trail and the execution are exactly those of every other surface. Voice
approval (a read-back of the ticket's code, ``{"code": ...}``) is checked here
first: the trader turned it on, and the code is this ticket's; the approval then
sent is bound to the full hash, like any other.
"""

from __future__ import annotations

import asyncio
import re

from fastapi import APIRouter

from interfaces.api._auth import ApiContext, Caller, CallerDep, ContextDep, shown_thread_id
from interfaces.api._errors import ApiError, not_found
from interfaces.api._events import Translator
from interfaces.api._models import ApproveRequest, Decision, Event, Format, TicketHash, TicketView
from interfaces.api._voice import code_matches, voice_code
from quantdesk.tickets import StoredTicket

router = APIRouter(prefix="/v1/tickets", tags=["tickets"])

_HASH = re.compile(r"^[0-9a-f]{64}$")
_ERRORS = {403: {"description": "Not your ticket, or a voice approval that is off or has the wrong code."},
           404: {"description": "No such ticket."},
           409: {"description": "The ticket is no longer waiting (executed, rejected, expired, or replaced)."}}


async def _stored(ctx: ApiContext, ticket_hash: str) -> StoredTicket:
    wanted = ticket_hash.strip().lower()
    stored = await asyncio.to_thread(ctx.mikey.tickets.get, wanted) if _HASH.fullmatch(wanted) else None
    if stored is None:
        raise not_found(f"no ticket {ticket_hash[:12]!r} (a ticket is named by its full 64-character hash)")
    return stored


def _not_yours(stored: StoredTicket) -> ApiError:
    return ApiError(403, "forbidden", f"ticket {stored.ticket.short_hash} belongs to another user; only its owner "
                                      "can see or decide it")


@router.get("/{ticket_hash}", response_model=TicketView, responses=_ERRORS)
async def read_ticket(ticket_hash: TicketHash, who: CallerDep, ctx: ContextDep) -> TicketView:
    """A ticket with every field, its status and (once executed) its signature and result."""
    stored = await _stored(ctx, ticket_hash)
    if stored.ticket.user_id != who.user_id:
        raise _not_yours(stored)
    return TicketView(ticket=stored.ticket.model_dump(mode="json"), status=stored.status, reason=stored.reason,
                      signature=stored.signature, result=stored.result,
                      voice_code=voice_code(stored.ticket.ticket_hash),
                      thread_id=shown_thread_id(who.user_id, stored.ticket.thread_id))


def _refuse_voice(ctx: ApiContext, who: Caller, stored: StoredTicket, code: str) -> None:
    """Raise unless this owner's voice read-back may approve this ticket (audited when refused)."""
    if not ctx.users.voice_approval(who.user_id):
        reason, error = "voice approval is off for this user", ApiError(
            403, "voice_approval_off", "voice approval is off for you: approve the ticket on the web page or with "
                                       "its full hash (`quantdesk user voice-approval on` turns it on)")
    elif not code_matches(code, stored.ticket.ticket_hash):
        reason, error = "the voice code read back was not this ticket's", ApiError(
            403, "wrong_code", f"that is not the code of ticket {stored.ticket.short_hash}; nothing was approved")
    else:
        return
    ctx.mikey.audit.refusal("approve", user_id=who.user_id, thread_id=stored.ticket.thread_id, reason=reason,
                            named=stored.ticket.ticket_hash)
    raise error


async def _decide(action: str, ticket_hash: str, who: Caller, ctx: ContextDep, format: str,
                  code: str | None = None) -> Decision:
    stored = await _stored(ctx, ticket_hash)
    ticket = stored.ticket
    session = ctx.mikey.session
    decide = session.approve if action == "approve" else session.reject
    if ticket.user_id != who.user_id:
        # Sent on anyway: ChatSession refuses another user's decision before the graph runs, and audits it.
        async for _ in decide(ticket.thread_id, who.user_id, ticket.ticket_hash):
            pass
        raise _not_yours(stored)
    if code is not None:
        await asyncio.to_thread(_refuse_voice, ctx, who, stored, code)
    translator = Translator(speech=format == "speech")
    events = [Event(event=name, data=data)
              async for chat_event in decide(ticket.thread_id, who.user_id, ticket.ticket_hash)
              for name, data in translator.translate(chat_event)]
    events += [Event(event=name, data=data) for name, data in translator.finish()[:-1]]  # no run_finished here
    after = await _stored(ctx, ticket_hash)
    said = next((str(e.data.get("message", "")) for e in events if e.event == "error"), "")
    if stored.status != "pending":
        raise ApiError(409, "ticket_closed", f"ticket {ticket.short_hash} is already {stored.status}; "
                                             "nothing was done")
    if after.status == "expired":
        raise ApiError(409, "ticket_expired", f"ticket {ticket.short_hash} expired before the {action}; nothing "
                                              "was sent (ask again for a fresh ticket)")
    if after.status == "pending":
        raise ApiError(409, "ticket_not_waiting", said or f"ticket {ticket.short_hash} is not the one its "
                                                          "conversation is waiting on; nothing was done")
    return Decision(ticket_hash=ticket.ticket_hash, status=after.status, events=events)


@router.post("/{ticket_hash}/approve", response_model=Decision, responses=_ERRORS)
async def approve_ticket(ticket_hash: TicketHash, who: CallerDep, ctx: ContextDep,
                         body: ApproveRequest | None = None, format: Format = "text") -> Decision:
    """Approve the ticket with this hash: it is re-checked, signed and sent; the events say what happened."""
    return await _decide("approve", ticket_hash, who, ctx, format, body.code if body is not None else None)


@router.post("/{ticket_hash}/reject", response_model=Decision, responses=_ERRORS)
async def reject_ticket(ticket_hash: TicketHash, who: CallerDep, ctx: ContextDep, format: Format = "text") -> Decision:
    """Reject the ticket with this hash: nothing is signed."""
    return await _decide("reject", ticket_hash, who, ctx, format)
