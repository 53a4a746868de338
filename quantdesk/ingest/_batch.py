"""Building a batch of ticks for the database, one tick at a time: its COPY
text, its candles and the NOTIFY payloads, with no database in sight.

Ticks are folded in as they arrive and the :class:`~quantdesk.market.PriceUpdate`
itself is not kept (only the newest per feed, for NOTIFY). That matters at
hundreds of thousands of ticks a second: objects that die young never reach
the older garbage-collector generations, whose full scans otherwise cost more
than the rest of the per-tick work together.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from quantdesk.ingest._candles import CandleRow, MinuteCandles, as_array_literals
from quantdesk.market import FeedRegistry, PriceStatus, PriceUpdate

__all__ = ["COPY_COLUMNS", "TickBatch", "TickBatchBuilder", "copy_text"]

COPY_COLUMNS = "feed_id, publish_time, price, conf, expo, ema_price, ema_conf, source"
_NULL = "\\N"


def copy_text(updates: Iterable[PriceUpdate]) -> str:
    """The rows in COPY text format (tab-separated, ``\\N`` for NULL), columns as :data:`COPY_COLUMNS`."""
    return "".join([
        f"{u.feed_id}\t{u.publish_time}\t{u.price}\t{u.conf}\t{u.expo}\t"
        f"{_NULL if u.ema_price is None else u.ema_price}\t{_NULL if u.ema_conf is None else u.ema_conf}\t"
        f"{u.source}\n"
        for u in updates
    ])


@dataclass(frozen=True, slots=True)
class TickBatch:
    """Registry-feed ticks ready to store, and everything the fast path sends with them.

    ``candles`` (with ``candle_params``, the same rows as the parameters of the
    candle upsert) and ``notify`` assume every tick gets inserted, which is what
    the fast path's success means. ``statuses`` holds the Pyth status of the
    ticks that were not ``trading`` (the table has no column for it), keyed by
    (feed_id, publish_time), so the slow path can rebuild their events.
    """

    text: str
    count: int
    candles: list[CandleRow]
    candle_params: tuple[str, ...]
    skipped_for_candles: int
    notify: list[str]
    newest: int | None
    rejected: int
    statuses: dict[tuple[str, int], PriceStatus]


class TickBatchBuilder:
    """Folds ticks into the next :class:`TickBatch`. Not thread-safe: owned by one event loop."""

    __slots__ = ("_registry", "_expo_of", "_lines", "_latest", "_candles", "_statuses", "_rejected")

    def __init__(self, registry: FeedRegistry) -> None:
        self._registry = registry
        self._expo_of = {f.feed_id: f.expo for f in registry}
        self._reset()

    def _reset(self) -> None:
        self._lines: list[str] = []
        self._latest: dict[str, PriceUpdate] = {}
        self._candles = MinuteCandles(self._expo_of)
        self._statuses: dict[tuple[str, int], PriceStatus] = {}
        self._rejected = 0

    def __len__(self) -> int:
        """Ticks added since the last :meth:`build`, rejected ones included."""
        return len(self._lines) + self._rejected

    def add(self, u: PriceUpdate) -> int:
        """Fold ``u`` into the batch; returns how many ticks it holds now. Called once per tick: inline, no calls
        beyond the candle accumulator."""
        feed_id = u.feed_id
        if feed_id not in self._expo_of:
            self._rejected += 1  # not a registry feed: no exponent to build candles in, no symbol to publish
            return len(self._lines) + self._rejected
        publish_time, ema_price, ema_conf = u.publish_time, u.ema_price, u.ema_conf
        lines = self._lines
        lines.append(f"{feed_id}\t{publish_time}\t{u.price}\t{u.conf}\t{u.expo}\t"
                     f"{_NULL if ema_price is None else ema_price}\t{_NULL if ema_conf is None else ema_conf}\t"
                     f"{u.source}\n")
        seen = self._latest.get(feed_id)
        if seen is None or publish_time > seen.publish_time:
            self._latest[feed_id] = u
        if u.status != "trading":
            self._statuses.setdefault((feed_id, publish_time), u.status)
        self._candles.add(feed_id, publish_time, u.price, u.expo)
        return len(lines) + self._rejected

    def extend(self, updates: Iterable[PriceUpdate]) -> None:
        for u in updates:
            self.add(u)

    def build(self) -> TickBatch:
        """The batch of every tick added since the last call; the builder starts over empty."""
        latest = self._latest.values()
        candles = self._candles.rows()
        batch = TickBatch(
            text="".join(self._lines), count=len(self._lines), candles=candles,
            candle_params=as_array_literals(candles), skipped_for_candles=self._candles.skipped,
            notify=[json.dumps(self._event(u)) for u in latest],
            newest=max((u.publish_time for u in latest), default=None), rejected=self._rejected,
            statuses=self._statuses)
        self._reset()
        return batch

    def _event(self, u: PriceUpdate) -> dict[str, object]:
        feed = self._registry.by_feed_id(u.feed_id)
        # Integers travel as JSON numbers; Pyth i64/u64 fit JSON parsers that keep big ints (Python's does).
        return {"symbol": feed.symbol if feed else None, "feed_id": u.feed_id, "price": u.price, "conf": u.conf,
                "expo": u.expo, "publish_time": u.publish_time, "ema_price": u.ema_price, "ema_conf": u.ema_conf,
                "status": u.status, "source": u.source}

