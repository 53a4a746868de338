"""In-process price events: every accepted update, fanned out to subscribers
(alerts, funding and liquidation checks) without letting a slow one stall ingest.

Across processes the same events travel as Postgres NOTIFY (see
``quantdesk.ingest``); this module is the in-process half.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

from quantdesk.market._types import PriceUpdate

__all__ = ["PriceEvent", "PriceBus", "Subscription"]


@dataclass(frozen=True, slots=True)
class PriceEvent:
    symbol: str
    update: PriceUpdate


class Subscription:
    """A bounded queue of events; iterate it with ``async for``. When the
    subscriber falls behind, the oldest events are dropped (``dropped`` counts
    them): a price consumer wants the newest price, not a backlog."""

    def __init__(self, bus: PriceBus, maxsize: int) -> None:
        self._bus = bus
        self._queue: asyncio.Queue[PriceEvent] = asyncio.Queue(maxsize=maxsize)
        self.dropped = 0

    def _offer(self, event: PriceEvent) -> None:
        if self._queue.full():
            self._queue.get_nowait()
            self.dropped += 1
        self._queue.put_nowait(event)

    async def get(self) -> PriceEvent:
        return await self._queue.get()

    def close(self) -> None:
        self._bus._unsubscribe(self)

    def __aiter__(self) -> AsyncIterator[PriceEvent]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[PriceEvent]:
        while True:
            yield await self._queue.get()


class PriceBus:
    """Fan-out of :class:`PriceEvent` to subscribers on one event loop."""

    def __init__(self) -> None:
        self._subscribers: set[Subscription] = set()
        # Read once per tick by the ingest pump: a plain attribute, kept in step by (un)subscribing.
        self.has_subscribers = False

    def subscribe(self, *, maxsize: int = 1024) -> Subscription:
        sub = Subscription(self, maxsize)
        self._subscribers.add(sub)
        self.has_subscribers = True
        return sub

    def _unsubscribe(self, sub: Subscription) -> None:
        self._subscribers.discard(sub)
        self.has_subscribers = bool(self._subscribers)

    def publish(self, event: PriceEvent) -> None:
        for sub in self._subscribers:
            sub._offer(event)
