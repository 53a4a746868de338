"""Writing a batch of ticks: one COPY, the candles they imply, and a NOTIFY per
feed — all in one transaction, so readers never see ticks without candles and
other processes are only told about committed prices.

Build, then send: a :class:`~quantdesk.ingest._batch.TickBatch` is built from
ticks without the database (the ingest service builds the next one while
Postgres still works on the previous), and :meth:`TickWriter.send` stores it.

Idempotency: ``price_ticks`` has a primary key on (feed_id, publish_time). The
fast path COPYs straight into it. If that hits a duplicate (a batch re-sent
after a crash, a restarted fast replay, the same tick twice in one batch), the
transaction rolls back and the batch goes through a staging table with
``INSERT ... ON CONFLICT DO NOTHING RETURNING``, in arrival order (the first of
a repeated tick wins), so candles and events come from exactly the rows
inserted. A batch the fast path stored had no duplicate at all, which is why
building one never looks for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import psycopg
from psycopg import AsyncConnection
from psycopg.pq import TransactionStatus

from quantdesk.ingest._batch import COPY_COLUMNS, TickBatch, TickBatchBuilder
from quantdesk.ingest._candles import UPSERT_SQL
from quantdesk.logs import get_logger
from quantdesk.market import FeedRegistry, PriceUpdate

__all__ = ["TickWriter", "WriteResult", "PRICE_CHANNEL"]

log = get_logger(__name__)

PRICE_CHANNEL = "quantdesk_prices"
_IDLE, _INTRANS, _INERROR = TransactionStatus.IDLE, TransactionStatus.INTRANS, TransactionStatus.INERROR
_NOTIFY_SQL = "SELECT pg_notify(%s, p) FROM unnest(%s::text[]) AS p"
# ``arrival`` numbers the staged rows in COPY order, so "first one wins" holds for repeats inside a batch.
_STAGE_SQL = ("CREATE TEMP TABLE IF NOT EXISTS price_ticks_stage (LIKE price_ticks INCLUDING DEFAULTS, "
              "arrival bigint GENERATED ALWAYS AS IDENTITY) ON COMMIT DELETE ROWS")
_INSERT_NEW_SQL = (f"INSERT INTO price_ticks ({COPY_COLUMNS}) SELECT {COPY_COLUMNS} FROM price_ticks_stage "
                   f"ORDER BY arrival ON CONFLICT (feed_id, publish_time) DO NOTHING RETURNING {COPY_COLUMNS}")


@dataclass(frozen=True, slots=True)
class WriteResult:
    inserted: int
    duplicates: int
    candle_rows: int
    slow_path: bool
    rejected: int = 0


class TickWriter:
    """Writes batches of registry-feed ticks on a connection the caller owns."""

    def __init__(self, registry: FeedRegistry, *, channel: str = PRICE_CHANNEL) -> None:
        self._registry = registry
        self._channel = channel
        self.skipped_for_candles = 0

    def builder(self) -> TickBatchBuilder:
        """An empty builder for batches this writer can send."""
        return TickBatchBuilder(self._registry)

    def build(self, updates: Sequence[PriceUpdate]) -> TickBatch:
        """The batch of ``updates``, ready for :meth:`send`."""
        builder = self.builder()
        builder.extend(updates)
        return builder.build()

    async def write(self, conn: AsyncConnection, updates: Sequence[PriceUpdate]) -> WriteResult:
        """Store ``updates``; returns what was inserted. Safe to call again with the same ticks."""
        return await self.send(conn, self.build(updates))

    async def send(self, conn: AsyncConnection, batch: TickBatch) -> WriteResult:
        """Store a built batch in one transaction; returns what was inserted. Safe to repeat.

        ``conn`` must be idle and not in autocommit mode: the batch is its own transaction.
        """
        if conn.autocommit or conn.info.transaction_status != _IDLE:
            raise ValueError("TickWriter needs an idle connection with autocommit off: each batch is committed "
                             "as one transaction of its own")
        if not batch.count:
            return WriteResult(0, 0, 0, False, batch.rejected)
        try:
            await self._send_fast(conn, batch)
            self._note_skipped(batch)
            return WriteResult(batch.count, 0, len(batch.candles), False, batch.rejected)
        except psycopg.errors.UniqueViolation:
            log.info("ingest.duplicate_batch", rows=batch.count)
        return await self._send_slow(conn, batch)

    async def _send_fast(self, conn: AsyncConnection, batch: TickBatch) -> None:
        # Not `conn.transaction()`: its COMMIT would be a round trip of its own. Here COMMIT rides in one
        # pipeline with the candles and the events, so Postgres waits on this process once less per batch.
        try:
            async with conn.cursor() as cur:
                async with cur.copy(f"COPY price_ticks ({COPY_COLUMNS}) FROM STDIN") as copy:
                    await copy.write(batch.text)
                async with conn.pipeline():
                    await self._after_insert(cur, batch)
                    await conn.commit()
        except BaseException:
            if conn.info.transaction_status in (_INTRANS, _INERROR):
                await conn.rollback()
            raise

    async def _send_slow(self, conn: AsyncConnection, batch: TickBatch) -> WriteResult:
        """Insert what is new in ``batch``, with candles and events for exactly that."""
        async with conn.transaction(), conn.cursor() as cur:
            await cur.execute(_STAGE_SQL)
            async with cur.copy(f"COPY price_ticks_stage ({COPY_COLUMNS}) FROM STDIN") as copy:
                await copy.write(batch.text)
            await cur.execute(_INSERT_NEW_SQL)
            builder = self.builder()
            for feed_id, publish_time, price, conf, expo, ema_price, ema_conf, source in await cur.fetchall():
                builder.add(PriceUpdate(
                    feed_id=feed_id, price=price, conf=conf, expo=expo, publish_time=publish_time,
                    ema_price=ema_price, ema_conf=ema_conf, source=source,
                    status=batch.statuses.get((feed_id, publish_time), "trading")))
            stored = builder.build()
            if stored.count:
                async with conn.pipeline():
                    await self._after_insert(cur, stored)
        self._note_skipped(stored)
        return WriteResult(stored.count, batch.count - stored.count, len(stored.candles), True, batch.rejected)

    async def _after_insert(self, cur: psycopg.AsyncCursor, batch: TickBatch) -> None:
        """Candles and events of the inserted ``batch``, queued on ``cur``'s connection, which is in pipeline
        mode: they reach Postgres in one round trip with whatever follows."""
        if batch.candles:
            await cur.execute(UPSERT_SQL, batch.candle_params)
        if batch.notify:
            await cur.execute(_NOTIFY_SQL, (self._channel, batch.notify))

    def _note_skipped(self, stored: TickBatch) -> None:
        if stored.skipped_for_candles:
            self.skipped_for_candles += stored.skipped_for_candles
            log.warning("ingest.candle_expo_mismatch", ticks=stored.skipped_for_candles)
