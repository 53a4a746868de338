"""ChatSession events as the web page shows them (Chainlit messages, steps and
elements). Used by app.py only; Chainlit is imported lazily, as elsewhere.

* Each of MIKEY's messages is its own Chainlit message; chunks of a streamed one
  (same event id) go into one, so two messages never run together.
* Each tool call is one compact step: its trader-facing label and whether it
  worked (never the internal tool name, never the result text a second time).
* A ticket is a card (public/elements/TicketCard.jsx) built from the ticket
  store, stamped once it is decided: see :class:`CardBoard`.
* Results the page can draw better than text (tables, charts) replace their text
  when the answer is just those results read out (the offline model's answers).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import Any

from agent import ChatEvent
from interfaces._steps import step_label, step_outcome
from interfaces._tables import echoes
from interfaces._ticket_card import ticket_card
from quantdesk.logs import get_logger
from quantdesk.tickets import TicketStore

log = get_logger(__name__)

FINAL = frozenset({"filled", "placed", "done", "rejected", "expired", "cancelled", "failed"})
# A rich view of one tool result: Chainlit elements (or a markdown text) for the page; None to show its text.
RichView = Callable[[dict[str, Any]], Awaitable[tuple[str, list[Any]] | None]]


class CardBoard:
    """The ticket cards one browser session shows, kept true to the ticket store:
    every card is rebuilt from the store after each turn, at its expiry and on each
    push tick (interfaces/_web_push.py: a ticket decided in another tab of the thread),
    so its buttons exist only while the ticket is pending (never on a closed ticket)."""

    def __init__(self, tickets: TicketStore, clock: Callable[[], datetime]) -> None:
        self._tickets, self._clock = tickets, clock
        self._cards: dict[str, Any] = {}  # ticket hash -> its cl.CustomElement
        self._timers: set[asyncio.Task[None]] = set()

    async def show(self, ticket_hash: str) -> None:
        """Send the card of a stored ticket (once: a card this page shows already is only brought up to date)."""
        import chainlit as cl

        if ticket_hash in self._cards:  # the same ticket again (say, after a refused approval): one card
            await self.refresh()
            return
        stored = await asyncio.to_thread(self._tickets.get, ticket_hash)
        if stored is None:
            log.warning("web.card_without_ticket", ticket=ticket_hash[:12])
            return
        props = ticket_card(stored, self._clock())
        card = cl.CustomElement(name="TicketCard", props=props, display="inline")
        await cl.Message(content="", elements=[card]).send()
        self._cards[ticket_hash] = card
        if props["status"] == "pending":
            self._stamp_at_expiry(ticket_hash, props["expires_in_s"])

    def adopt(self, card: Any) -> None:
        """A card a reopened thread already shows (its props rebuilt from the store): keep it true from now on."""
        ticket_hash = str(card.props.get("hash", ""))
        if not ticket_hash:
            return
        self._cards[ticket_hash] = card
        if card.props.get("status") == "pending":
            self._stamp_at_expiry(ticket_hash, int(card.props.get("expires_in_s", 0)))

    async def refresh(self) -> None:
        """Re-read every card's ticket and update the cards whose state changed."""
        for ticket_hash, card in list(self._cards.items()):
            if card.props.get("status") in FINAL and card.props.get("status") != "expired":
                continue
            stored = await asyncio.to_thread(self._tickets.get, ticket_hash)
            if stored is None:
                continue
            props = ticket_card(stored, self._clock())
            if props["status"] != card.props.get("status") or props["stamp_note"] != card.props.get("stamp_note"):
                card.props = props
                await card.update()

    def _stamp_at_expiry(self, ticket_hash: str, seconds: int) -> None:
        async def later() -> None:
            await asyncio.sleep(seconds + 0.5)
            await self.refresh()

        task = asyncio.create_task(later())
        self._timers.add(task)
        task.add_done_callback(self._timers.discard)


class Turn:
    """Renders the events of one turn (a message, a button press) onto the page."""

    def __init__(self, board: CardBoard, rich: dict[str, RichView] | None = None) -> None:
        self._board = board
        self._rich = rich or {}
        self._message: Any = None
        self._message_id: str | None = None
        self._results: list[dict[str, Any]] = []  # this turn's tool results, in order

    async def show(self, events: AsyncIterator[ChatEvent]) -> None:
        try:
            async for event in events:
                await self.render(event)
        finally:
            await self._finish_text()
            await self._board.refresh()

    async def render(self, event: ChatEvent) -> None:
        import chainlit as cl

        data = event.data
        if event.type == "text" and data.get("role") == "assistant":
            await self._text(data)
            return
        await self._finish_text()
        if event.type == "text":  # an alert, or a user line from history
            await cl.Message(content=f"🔔 {data['text']}" if data.get("role") == "alert" else data["text"]).send()
        elif event.type == "tool_call":
            return  # shown with its result, as one step
        elif event.type == "tool_result":
            self._results.append(data)
            await _step(data)
        elif event.type == "ticket":
            await self._board.show(data["ticket"]["ticket_hash"])
        elif event.type == "execution":
            await cl.Message(content=("✅ " if data.get("ok") else "❌ ") + str(data.get("text", ""))).send()
            await self._board.refresh()
        else:
            await cl.Message(content=f"⚠️ {data.get('message', data)}").send()

    async def _text(self, data: dict[str, Any]) -> None:
        import chainlit as cl

        message_id = data.get("id")
        if self._message is not None and message_id is not None and message_id == self._message_id:
            await self._message.stream_token(data["text"])
            return
        await self._finish_text()
        if await self._rich_echo(data["text"]):
            return
        self._message, self._message_id = cl.Message(content=""), message_id
        await self._message.stream_token(data["text"])

    async def _rich_echo(self, text: str) -> bool:
        """The offline model answers with its tool results' texts joined; where the page has a
        richer view of a result (a table, a chart) it is shown instead of that text."""
        import chainlit as cl

        results = self._results
        if not self._rich or not echoes(text, results):
            return False
        self._results = []
        for result in results:
            view = self._rich.get(str(result.get("name")))
            shown = None if view is None or result.get("status") != "success" else await view(result)
            content, elements = shown if shown is not None else (str(result.get("text", "")), [])
            await cl.Message(content=content, elements=elements).send()
        return True

    async def _finish_text(self) -> None:
        if self._message is not None:
            await self._message.send()
        self._message, self._message_id = None, None


async def _step(result: dict[str, Any]) -> None:
    """One compact step per tool call: its label and whether it worked."""
    import chainlit as cl

    ok, output = step_outcome(result)
    async with cl.Step(name=step_label(result), type="tool", show_input=False) as step:
        step.output = output
        step.is_error = not ok
