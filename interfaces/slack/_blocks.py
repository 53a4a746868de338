"""A ticket as a Slack Block Kit card, built from the same card props the web page
shows (``interfaces._ticket_card``: every number formatted there, never here).

While the ticket is pending and not expired the card has Approve and Reject buttons
whose ``value`` is the full ticket hash; once it is decided (or expires) the buttons
are gone and the stamp (FILLED, REJECTED, EXPIRED, …) and its note take their place.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from interfaces._ticket_card import ticket_card
from quantdesk.tickets import StoredTicket

APPROVE = "ticket_approve"  # action ids of the buttons (their value is the ticket hash)
REJECT = "ticket_reject"
_MAX_FIELDS = 10  # Block Kit: at most 10 fields in a section
_MAX_HEADER = 150  # a header's plain text
_STAMP_ICON = {"FILLED": ":white_check_mark:", "PLACED": ":white_check_mark:", "DONE": ":white_check_mark:",
               "REJECTED": ":no_entry_sign:", "EXPIRED": ":hourglass:", "CANCELLED": ":no_entry_sign:",
               "FAILED": ":x:", "SENDING": ":outbox_tray:"}


def card_blocks(stored: StoredTicket, now: datetime) -> tuple[list[dict[str, Any]], str, str]:
    """``(blocks, fallback text, status)`` of the ticket's card as of ``now``."""
    props = ticket_card(stored, now)
    ticket = stored.ticket
    title = f"{props['side']} · {props['title']}"[:_MAX_HEADER]
    fields = [_field("Market", ticket.market or "—"), _field("Side", props["side"])]
    fields += [_field(row["label"], row["value"]) for row in props["rows"]]
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": title}}]
    for start in range(0, len(fields), _MAX_FIELDS):
        blocks.append({"type": "section", "fields": fields[start:start + _MAX_FIELDS]})
    if props["effect"]:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _escape(props["effect"])}})
    for warning in props["warnings"]:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn",
                                                        "text": f":warning: {_escape(warning)}"}]})
    expires = int(ticket.expires_at.timestamp())
    when = f"<!date^{expires}^{{time_secs}}|{ticket.expires_at.isoformat(timespec='seconds')}>"
    status = props["status"]
    if status == "pending":
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": (
            f"Expires {when} (in {props['expires_in_s']} s) · ticket `{props['short_hash']}` · "
            "only you can approve it")}]})
        blocks.append({"type": "actions", "block_id": f"ticket:{ticket.short_hash}", "elements": [
            {"type": "button", "action_id": APPROVE, "style": "primary", "value": ticket.ticket_hash,
             "text": {"type": "plain_text", "text": "Approve"}},
            {"type": "button", "action_id": REJECT, "style": "danger", "value": ticket.ticket_hash,
             "text": {"type": "plain_text", "text": "Reject"}}]})
        fallback = f"Ticket {props['short_hash']}: {props['title']}, waiting for your approval (expires {when})"
    else:
        stamp = str(props["stamp"])
        note = f" — {_escape(props['stamp_note'])}" if props["stamp_note"] else ""
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": (
            f"{_STAMP_ICON.get(stamp, '')} *{stamp}*{note}").strip()}})
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": (
            f"ticket `{props['short_hash']}` · expired {when}" if status == "expired"
            else f"ticket `{props['short_hash']}`")}]})
        fallback = f"Ticket {props['short_hash']}: {props['title']}, {stamp}{note}"
    return blocks, fallback, status


def _field(label: str, value: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": f"*{_escape(label)}*\n{_escape(value)}"}


def _escape(text: str) -> str:
    """Slack's mrkdwn escapes only these three (so user text can never become a mention or link)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
