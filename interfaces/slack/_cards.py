"""Ticket cards in Slack: posted, redrawn in place when their ticket is decided, and
watched until they are, so a card whose ticket expires (or is decided on another
surface: the web page, the chat API) loses its buttons without anyone clicking.

Each card is redrawn from the ticket store, never from what Slack shows, so a card
always says what the ticket really is. A watcher lives at most until its ticket's
expiry plus a grace period; cards posted before a restart are redrawn when clicked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from interfaces._ticket_card import card_status
from interfaces.slack._blocks import card_blocks
from quantdesk.logs import get_logger
from quantdesk.tickets import StoredTicket, TicketStore

log = get_logger(__name__)

_WATCH_GRACE = timedelta(minutes=5)  # an executing ticket still resolving after its expiry
_UNDECIDED = ("pending", "executing")


class Cards:
    def __init__(self, client: AsyncWebClient, tickets: TicketStore, clock: Callable[[], datetime], *,
                 spawn: Callable[[Coroutine[Any, Any, None]], None], tick_s: float = 5.0) -> None:
        self._client, self._tickets, self._clock = client, tickets, clock
        self._spawn, self._tick_s = spawn, tick_s
        self._drawn: dict[tuple[str, str], str] = {}  # (channel, ts) -> the status last drawn there

    async def post(self, stored: StoredTicket, channel: str, thread_ts: str | None) -> str:
        """Post the ticket's card; returns the message ts. A watcher redraws it once the ticket is decided."""
        blocks, fallback, status = card_blocks(stored, self._clock())
        posted = await self._client.chat_postMessage(channel=channel, thread_ts=thread_ts, blocks=blocks,
                                                     text=fallback)
        ts = str(posted["ts"])
        self._drawn[(channel, ts)] = status
        self._spawn(self._watch(stored.ticket.ticket_hash, channel, ts))
        log.info("slack.card_posted", ticket=stored.ticket.short_hash, channel=channel, status=status)
        return ts

    async def redraw(self, ticket_hash: str, channel: str, ts: str) -> str | None:
        """Redraw the card at (channel, ts) from the store if its status changed; the status, or None if unknown."""
        stored = await asyncio.to_thread(self._tickets.get, ticket_hash)
        if stored is None:
            return None
        blocks, fallback, status = card_blocks(stored, self._clock())
        if self._drawn.get((channel, ts)) != status:
            await self._client.chat_update(channel=channel, ts=ts, blocks=blocks, text=fallback)
            self._drawn[(channel, ts)] = status
            log.info("slack.card_updated", ticket=stored.ticket.short_hash, channel=channel, status=status)
        return status

    async def _watch(self, ticket_hash: str, channel: str, ts: str) -> None:
        while True:
            stored = await asyncio.to_thread(self._tickets.get, ticket_hash)
            if stored is None:
                return
            now = self._clock()
            status = card_status(stored, now)
            if status not in _UNDECIDED or now > stored.ticket.expires_at + _WATCH_GRACE:
                await self.redraw(ticket_hash, channel, ts)
                self._drawn.pop((channel, ts), None)
                return
            if status != self._drawn.get((channel, ts)):
                await self.redraw(ticket_hash, channel, ts)  # SENDING while it executes
            remaining = (stored.ticket.expires_at - now).total_seconds()
            # Short steps rather than one sleep to the expiry: a decision made on another surface
            # shows within a step, and the clock is re-read each time (it is injected, not assumed).
            await asyncio.sleep(max(0.05, min(remaining, self._tick_s)) if remaining > 0 else self._tick_s)
