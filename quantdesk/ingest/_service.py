"""The ingest service: source → quality-gated price book and in-process events
→ batched COPY into Postgres (with candles and NOTIFY), under a circuit breaker,
with status on the ingest port and in ``ingest_status``.

Lifecycle: ``await service.run()`` until ``request_stop()`` (the CLI wires
SIGTERM/SIGINT to it). On stop the source is closed first, then everything
already received is flushed — a clean shutdown loses no tick. After a crash the
source re-delivers from where it is and the primary key drops what was stored
(at-least-once, idempotent).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import socket
import time
from collections import deque
from collections.abc import Callable
from contextlib import aclosing
from datetime import UTC, datetime

import psycopg
from psycopg_pool import AsyncConnectionPool

from quantdesk.config import Settings
from quantdesk.ingest._batch import TickBatch
from quantdesk.ingest._http import StatusServer
from quantdesk.ingest._leader import Leadership
from quantdesk.ingest._retention import trim_ticks
from quantdesk.ingest._status import UPSERT_STATUS_SQL, BreakerStatus, FeedStatus, IngestStatus
from quantdesk.ingest._writer import TickWriter
from quantdesk.logs import get_logger
from quantdesk.market import (
    Backoff,
    CircuitBreaker,
    FeedRegistry,
    PriceBook,
    PriceBus,
    PriceEvent,
    PriceSource,
    QualityGate,
    resilient_updates,
)

__all__ = ["IngestService"]

log = get_logger(__name__)

_STATUS_INTERVAL_S = 1.0
_STANDBY_RETRY_S = 2.0
_MAX_PENDING_BATCHES = 4  # beyond this many batches unwritten, the source waits for the database
# A fast source never suspends on its own, so the pump yields to the event loop every this many ticks:
# each of the writer's round trips (BEGIN, COPY, candles + COMMIT) waits for such a yield, twice (the
# socket callback, then the task it wakes), and Postgres sits idle meanwhile. At ~2 µs a tick, 32 ticks
# keep that wait near 0.1 ms for ~2 µs per yield; 128 measured 68 % of the raw-COPY ceiling, 32 77 %,
# 16 and 8 no better.
_YIELD_EVERY = 32


def _ts(t: float | None) -> datetime | None:
    return None if t is None else datetime.fromtimestamp(t, UTC)


class IngestService:
    """One ingest instance. ``book`` and ``bus`` are its in-process outputs."""

    def __init__(
        self,
        settings: Settings,
        *,
        conninfo: str,
        registry: FeedRegistry,
        source: PriceSource,
        clock: Callable[[], float] = time.time,
        serve_http: bool = True,
    ) -> None:
        self._settings = settings
        self._conninfo = conninfo
        self._registry = registry
        self._source = source
        self._clock = clock
        self._serve_http = serve_http
        self.gate = QualityGate.from_settings(settings)
        self.book = PriceBook(registry, self.gate, clock=clock)
        self.bus = PriceBus()
        self.breaker = CircuitBreaker(
            failure_threshold=settings.breaker_failure_threshold,
            open_s=settings.breaker_open_s,
            backoff=Backoff(settings.source_backoff_initial_s, settings.source_backoff_max_s),
            on_open=self.book.mark_source_down,
            on_close=self.book.mark_source_up,
            clock=clock,
        )
        self._writer = TickWriter(registry)
        self._leadership = Leadership(conninfo)
        self._batch_size = settings.ingest_batch_size
        self._flush_interval_s = settings.ingest_flush_interval_ms / 1000
        self.instance = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(2)}"

        self._pool: AsyncConnectionPool | None = None
        self._http: StatusServer | None = None
        self._stop = asyncio.Event()
        self._stopping = False
        self._flush_now = asyncio.Event()
        self._drained = asyncio.Event()
        self._building = self._writer.builder()  # received ticks, folded into the next batch as they arrive
        self._ready: deque[TickBatch] = deque()  # full batches waiting for the writer, oldest first
        self._ready_ticks = 0
        self._role: str = "starting"
        self._started_at = clock()
        self._received = 0
        self._written = 0
        self._duplicates = 0
        self._rejected = 0
        self._lost = 0
        self._newest_written: int | None = None
        self._last_write_ms: float | None = None
        self._last_db_error: str | None = None
        self._rate = 0.0
        self._rate_mark = (time.monotonic(), 0)
        self.source_done = asyncio.Event()
        self._crashed: BaseException | None = None

    # ------------------------------------------------------------------ status
    def status(self) -> IngestStatus:
        """The current status (cheap; called by the HTTP handlers and the status loop)."""
        now = self._clock()
        b = self.breaker
        feeds = [
            FeedStatus(symbol=g.symbol, feed_id=g.update.feed_id, price=str(g.price), conf=str(g.conf),
                       publish_time=g.update.publish_time, age_s=g.age_s, quality=g.quality.value, reason=g.reason)
            for g in self.book.snapshot()
        ]
        return IngestStatus(
            instance=self.instance,
            role=self._role,
            source=self._source.name,
            source_description=self._source.description,
            breaker=BreakerStatus(state=b.state.value, consecutive_failures=b.consecutive_failures,
                                  total_failures=b.total_failures, opens=b.opens, last_error=b.last_error,
                                  retry_at=_ts(b.retry_at)),
            ticks_received=self._received,
            ticks_written=self._written,
            duplicates=self._duplicates,
            rejected=self._rejected,
            pending=len(self._building) + self._ready_ticks,
            ticks_per_s=round(self._rate, 1),
            lag_s=None if self._newest_written is None else max(0.0, round(now - self._newest_written, 3)),
            last_write_ms=self._last_write_ms,
            last_error=self._last_db_error or b.last_error,
            started_at=_ts(self._started_at),
            updated_at=_ts(now),
            feeds=feeds,
            source_stats={**self._source.stats(), "lost_on_shutdown": self._lost},
        )

    # --------------------------------------------------------------- lifecycle
    def request_stop(self) -> None:
        """Ask ``run()`` to flush and return (safe from a signal handler)."""
        self._stop.set()

    async def run(self) -> None:
        """Run until :meth:`request_stop`; returns after the final flush."""
        self._pool = AsyncConnectionPool(self._conninfo, min_size=1, max_size=3, open=False,
                                         name="quantdesk-ingest", kwargs={"connect_timeout": 5})
        await self._pool.open(wait=True, timeout=10)
        background: list[asyncio.Task[None]] = []
        pump: asyncio.Task[None] | None = None
        writer: asyncio.Task[None] | None = None
        try:
            await self._register_feeds()
            if self._serve_http:
                self._http = StatusServer(self.status, host=self._settings.host, port=self._settings.ingest_port)
                await self._http.start()
            background.append(asyncio.create_task(self._status_loop(), name="ingest-status"))
            if await self._lead():
                log.info("ingest.leader", instance=self.instance, source=self._source.name)
                writer = asyncio.create_task(self._writer_loop(), name="ingest-writer")
                pump = asyncio.create_task(self._pump(), name="ingest-pump")
                background.append(asyncio.create_task(self._retention_loop(), name="ingest-retention"))
                await self._stop.wait()
        finally:
            await self._shutdown(pump, writer, background)
        if self._crashed is not None:
            raise RuntimeError(f"ingest pump crashed: {self._crashed!r}") from self._crashed

    async def _lead(self) -> bool:
        """Wait to become leader; False if asked to stop first."""
        while not self._stop.is_set():
            try:
                if await self._leadership.try_acquire():
                    self._role = "leader"
                    return True
            except psycopg.OperationalError as exc:
                self._last_db_error = f"cannot take the ingest lock: {exc}"
            self._role = "standby"
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), _STANDBY_RETRY_S)
        return False

    async def _shutdown(self, pump: asyncio.Task[None] | None, writer: asyncio.Task[None] | None,
                        background: list[asyncio.Task[None]]) -> None:
        self._stopping = True
        if pump is not None:
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pump
        await self._source.aclose()
        if writer is not None:
            self._flush_now.set()
            await writer  # drains everything pending, then returns
        for task in background:
            task.cancel()
        for task in background:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._role = "stopped"
        with contextlib.suppress(psycopg.Error):
            await self._persist_status()
        log.info("ingest.stopped", received=self._received, written=self._written, duplicates=self._duplicates,
                 lost=self._lost)
        if self._http is not None:
            await self._http.stop()
        await self._leadership.release()
        if self._pool is not None:
            await self._pool.close()

    # ------------------------------------------------------------------- tasks
    async def _register_feeds(self) -> None:
        assert self._pool is not None
        async with self._pool.connection() as conn:
            await conn.cursor().executemany(
                "INSERT INTO price_feeds (feed_id, symbol, pyth_symbol, expo) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (feed_id) DO UPDATE SET symbol = EXCLUDED.symbol, pyth_symbol = EXCLUDED.pyth_symbol, "
                "expo = EXCLUDED.expo, updated_at = now()",
                [(f.feed_id, f.symbol, f.pyth_symbol, f.expo) for f in self._registry],
            )

    async def _pump(self) -> None:
        batch_size = self._batch_size
        symbols = {f.feed_id: f.symbol for f in self._registry}
        book_update, bus = self.book.update, self.bus
        since_yield = 0
        try:
            async with aclosing(resilient_updates(self._source, self.breaker)) as updates:
                async for update in updates:
                    symbol = symbols.get(update.feed_id)
                    if symbol is None:
                        self._rejected += 1
                        continue
                    self._received += 1
                    book_update(update)
                    if bus.has_subscribers:
                        bus.publish(PriceEvent(symbol, update))
                    if self._building.add(update) >= batch_size:
                        # Close the batch here, while the writer still has the previous one in Postgres.
                        self._enqueue()
                        while len(self._ready) >= _MAX_PENDING_BATCHES:
                            self._drained.clear()
                            await self._drained.wait()
                    since_yield += 1
                    if since_yield >= _YIELD_EVERY:
                        since_yield = 0
                        await asyncio.sleep(0)
        except Exception as exc:
            # Not a source failure (those are retried): a bug or corrupt data. Stop cleanly and let the
            # supervisor restart the process rather than ingest nothing while looking healthy.
            log.exception("ingest.pump_crashed")
            self._crashed = exc
            self._stop.set()
        finally:
            self.source_done.set()

    def _enqueue(self) -> None:
        batch = self._building.build()
        self._ready.append(batch)
        self._ready_ticks += batch.count + batch.rejected
        self._flush_now.set()

    async def _writer_loop(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._flush_now.wait(), self._flush_interval_s)
            self._flush_now.clear()
            while self._ready or len(self._building):
                if not self._ready:  # the flush interval (or stop) came before a full batch
                    self._enqueue()
                batch = self._ready.popleft()
                self._drained.set()
                await self._write(batch)
                self._ready_ticks -= batch.count + batch.rejected
            if self._stopping:
                return

    async def _write(self, batch: TickBatch) -> None:
        """Write one batch, retrying while the database is unavailable."""
        assert self._pool is not None
        attempt = 0
        while True:
            try:
                started = time.perf_counter()
                async with self._pool.connection() as conn:
                    result = await self._writer.send(conn, batch)
                self._last_write_ms = round((time.perf_counter() - started) * 1000, 2)
                self._written += result.inserted
                self._duplicates += result.duplicates
                self._rejected += result.rejected
                if batch.newest is not None and (self._newest_written is None or batch.newest > self._newest_written):
                    self._newest_written = batch.newest
                self._last_db_error = None
                return
            except psycopg.Error as exc:  # includes the pool's timeouts
                attempt += 1
                first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
                self._last_db_error = f"database write failed: {first_line}"
                log.warning("ingest.write_failed", attempt=attempt, rows=batch.count, error=self._last_db_error)
                if self._stopping and attempt >= 3:
                    self._lost += batch.count
                    log.error("ingest.lost_on_shutdown", rows=batch.count)
                    return
                await asyncio.sleep(min(5.0, 0.2 * 2**attempt))

    async def _retention_loop(self) -> None:
        assert self._pool is not None
        cap = self._settings.ingest_max_ticks_per_feed
        while True:
            await asyncio.sleep(self._settings.ingest_retention_interval_s)
            try:
                async with self._pool.connection() as conn:
                    deleted = await trim_ticks(conn, [f.feed_id for f in self._registry], cap)
                if deleted:
                    log.info("ingest.retention", deleted=deleted, cap_per_feed=cap)
            except psycopg.Error as exc:
                log.warning("ingest.retention_failed", error=str(exc))

    async def _status_loop(self) -> None:
        while True:
            now = time.monotonic()
            then, count = self._rate_mark
            if now > then:
                self._rate = (self._received - count) / (now - then)
            self._rate_mark = (now, self._received)
            try:
                await self._persist_status()
            except psycopg.Error as exc:
                log.warning("ingest.status_failed", error=str(exc))
            await asyncio.sleep(_STATUS_INTERVAL_S)

    async def _persist_status(self) -> None:
        assert self._pool is not None
        status = self.status()
        async with self._pool.connection() as conn:
            await conn.execute(UPSERT_STATUS_SQL, (self.instance, status.role, status.model_dump_json()))
