"""Prices for processes that do not run the ingest service: the latest tick
from Postgres, through the same quality gate, and price events over
LISTEN/NOTIFY."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import psycopg

from quantdesk.db import Database
from quantdesk.ingest._candles import INTERVALS
from quantdesk.ingest._rollup import DERIVED, rollup
from quantdesk.ingest._status import IngestStatus
from quantdesk.ingest._writer import PRICE_CHANNEL
from quantdesk.market import (
    TRADABLE,
    FeedRegistry,
    GatedPrice,
    PriceEvent,
    PriceUnavailable,
    PriceUpdate,
    Quality,
    QualityGate,
)

__all__ = ["PostgresPrices", "StoredCandle", "listen_price_events"]

# A leader status older than this says nothing about the source any more.
_STATUS_FRESH_S = 10.0


@dataclass(frozen=True, slots=True)
class StoredCandle:
    """A candle as stored: integers at exponent ``expo``; ``bucket_start`` in Unix seconds."""

    bucket_start: int
    open: int
    high: int
    low: int
    close: int
    expo: int
    ticks: int


class PostgresPrices:
    """A :class:`~quantdesk.market.PriceReader` over ``price_ticks``."""

    def __init__(self, db: Database, registry: FeedRegistry, gate: QualityGate, *,
                 clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._registry = registry
        self._gate = gate
        self._clock = clock

    def get(self, symbol: str, *, accept: frozenset[Quality] = TRADABLE) -> GatedPrice:
        feed = self._registry.get(symbol)
        with self._db.pool.connection() as conn:
            row = conn.execute(
                "SELECT price, conf, expo, publish_time, ema_price, ema_conf, source FROM price_ticks "
                "WHERE feed_id = %s ORDER BY publish_time DESC LIMIT 1", (feed.feed_id,)).fetchone()
            status_row = conn.execute(
                "SELECT status, extract(epoch FROM updated_at) FROM ingest_status WHERE role = 'leader' "
                "ORDER BY updated_at DESC LIMIT 1").fetchone()
        if row is None:
            raise PriceUnavailable(f"no {feed.symbol} price stored yet; is the ingest service running? "
                                   "(see `quantdesk ingest status`)")
        update = PriceUpdate(feed_id=feed.feed_id, price=row[0], conf=row[1], expo=row[2], publish_time=row[3],
                             ema_price=row[4], ema_conf=row[5], source=row[6])
        source_down = None
        if status_row is not None and self._clock() - float(status_row[1]) < _STATUS_FRESH_S:
            status = IngestStatus.model_validate(status_row[0])
            if status.breaker.state == "open":
                source_down = status.breaker.last_error or "circuit open"
        return self._gate.require(feed.symbol, update, now=self._clock(), accept=accept, source_down=source_down)

    def candles(self, symbol: str, interval: str = "1m", *, limit: int = 60) -> list[StoredCandle]:
        """The newest ``limit`` candles, oldest first: stored ones (1m, 5m, 1h), or 15m/4h/1d built from them."""
        if interval in DERIVED:
            source, seconds = DERIVED[interval]
            per = seconds // INTERVALS[source]
            # One bucket more than asked: the oldest one read may be cut short by the row limit, so it is dropped.
            built = rollup(self._stored(symbol, source, (limit + 1) * per), seconds)
            return [StoredCandle(*c) for c in built[-limit:]]
        if interval not in INTERVALS:
            raise ValueError(f"interval must be one of {', '.join([*INTERVALS, *DERIVED])}")
        return self._stored(symbol, interval, limit)

    def _stored(self, symbol: str, interval: str, limit: int) -> list[StoredCandle]:
        feed = self._registry.get(symbol)
        with self._db.pool.connection() as conn:
            rows = conn.execute(
                "SELECT bucket_start, open, high, low, close, expo, ticks FROM price_candles "
                "WHERE feed_id = %s AND interval = %s ORDER BY bucket_start DESC LIMIT %s",
                (feed.feed_id, interval, limit)).fetchall()
        return [StoredCandle(*r) for r in reversed(rows)]


async def listen_price_events(conninfo: str, registry: FeedRegistry) -> AsyncIterator[PriceEvent]:
    """Price events committed by the ingest service (any process), as they commit.

    One event per feed per written batch: the newest price in it.
    """
    async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as conn:
        await conn.execute(f"LISTEN {PRICE_CHANNEL}")
        async for note in conn.notifies():
            body = json.loads(note.payload)
            feed = registry.by_feed_id(body["feed_id"])
            if feed is None:
                continue
            yield PriceEvent(feed.symbol, PriceUpdate(
                feed_id=body["feed_id"], price=body["price"], conf=body["conf"], expo=body["expo"],
                publish_time=body["publish_time"], ema_price=body["ema_price"], ema_conf=body["ema_conf"],
                status=body["status"], source=body["source"]))
