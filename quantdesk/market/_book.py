"""The latest price per feed, in memory, asked for with a required quality.

The ingest service keeps one up to date from the source; a process without the
service reads prices from Postgres instead (:class:`quantdesk.ingest.PostgresPrices`),
through the same :class:`PriceReader` shape.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from quantdesk.market._errors import PriceUnavailable
from quantdesk.market._quality import QualityGate
from quantdesk.market._registry import FeedRegistry
from quantdesk.market._types import TRADABLE, GatedPrice, PriceUpdate, Quality

__all__ = ["PriceReader", "PriceBook"]


class PriceReader(Protocol):
    """Anything that answers "the price of SYMBOL, at least this good"."""

    def get(self, symbol: str, *, accept: frozenset[Quality] = TRADABLE) -> GatedPrice: ...


class PriceBook:
    """Latest update per feed. Not thread-safe: owned by one event loop."""

    def __init__(self, registry: FeedRegistry, gate: QualityGate, *, clock: Callable[[], float] = time.time) -> None:
        self._registry = registry
        self._gate = gate
        self._clock = clock
        self._latest: dict[str, PriceUpdate] = {}
        self._source_down: str | None = None

    def update(self, update: PriceUpdate) -> None:
        """Keep ``update`` if it is newer than what we have for its feed."""
        current = self._latest.get(update.feed_id)
        if current is None or update.publish_time >= current.publish_time:
            self._latest[update.feed_id] = update

    def mark_source_down(self, reason: str) -> None:
        """Every price counts as stale until the source delivers again."""
        self._source_down = reason

    def mark_source_up(self) -> None:
        self._source_down = None

    @property
    def source_down(self) -> str | None:
        return self._source_down

    def latest(self, symbol: str) -> PriceUpdate | None:
        return self._latest.get(self._registry.get(symbol).feed_id)

    def get(self, symbol: str, *, accept: frozenset[Quality] = TRADABLE) -> GatedPrice:
        """The price of ``symbol`` if its quality is in ``accept``.

        Raises :class:`PriceUnavailable` when nothing was received yet, and a
        :class:`~quantdesk.market.PriceQualityError` subclass when the price is
        not good enough.
        """
        feed = self._registry.get(symbol)
        update = self._latest.get(feed.feed_id)
        if update is None:
            raise PriceUnavailable(f"no {feed.symbol} price received yet; is the ingest service running? "
                                   "(see `quantdesk ingest status`)")
        return self._gate.require(feed.symbol, update, now=self._clock(), accept=accept,
                                  source_down=self._source_down)

    def snapshot(self) -> list[GatedPrice]:
        """Every known feed's latest price with its current verdict (for status pages)."""
        now = self._clock()
        out = []
        for feed in self._registry:
            update = self._latest.get(feed.feed_id)
            if update is not None:
                out.append(self._gate.assess(feed.symbol, update, now=now, source_down=self._source_down))
        return out
