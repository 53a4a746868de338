"""Writing a batch of ticks: one COPY, the candles they imply, and a NOTIFY per
feed — all in one transaction, so readers never see ticks without candles and
other processes are only told about committed prices.

Idempotency: ``price_ticks`` has a primary key on (feed_id, publish_time). The
fast path COPYs straight into it. If that hits a duplicate (a batch re-sent
after a crash, a restarted fast replay), the transaction rolls back and the
batch goes through a staging table with ``INSERT ... ON CONFLICT DO NOTHING
RETURNING``, so candles count only the ticks actually inserted.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import psycopg
from psycopg import AsyncConnection

from quantdesk.ingest._candles import UPSERT_SQL, aggregate, as_columns
from quantdesk.logs import get_logger
from quantdesk.market import FeedRegistry, PriceUpdate

__all__ = ["TickWriter", "WriteResult", "PRICE_CHANNEL", "copy_text"]

log = get_logger(__name__)

PRICE_CHANNEL = "quantdesk_prices"
_COLUMNS = "feed_id, publish_time, price, conf, expo, ema_price, ema_conf, source"


@dataclass(frozen=True, slots=True)
class WriteResult:
    inserted: int
    duplicates: int
    candle_rows: int
    slow_path: bool
    rejected: int = 0


_NULL = "\\N"


def copy_text(updates: Sequence[PriceUpdate]) -> str:
    """The rows in COPY text format (tab-separated, ``\\N`` for NULL). The hot path: inline, no calls."""
    return "".join(
        f"{u.feed_id}\t{u.publish_time}\t{u.price}\t{u.conf}\t{u.expo}\t"
        f"{_NULL if u.ema_price is None else u.ema_price}\t{_NULL if u.ema_conf is None else u.ema_conf}\t"
        f"{u.source}\n"
        for u in updates
    )


class TickWriter:
    """Writes batches of registry-feed ticks on a connection the caller owns."""

    def __init__(self, registry: FeedRegistry, *, channel: str = PRICE_CHANNEL) -> None:
        self._registry = registry
        self._expo_of = {f.feed_id: f.expo for f in registry}
        self._channel = channel
        self.skipped_for_candles = 0

    async def write(self, conn: AsyncConnection, batch: Sequence[PriceUpdate]) -> WriteResult:
        """Store ``batch``; returns what was inserted. Safe to call again with the same ticks."""
        unique: dict[tuple[str, int], PriceUpdate] = {}
        rejected = 0
        for u in batch:
            if u.feed_id not in self._expo_of:
                rejected += 1  # not a registry feed: no exponent to build candles in, no symbol to publish
                continue
            unique.setdefault((u.feed_id, u.publish_time), u)
        rows = list(unique.values())
        in_batch_dups = len(batch) - rejected - len(rows)
        if not rows:
            return WriteResult(0, in_batch_dups, 0, False, rejected)
        text = copy_text(rows)
        try:
            async with conn.transaction(), conn.cursor() as cur:
                async with cur.copy(f"COPY price_ticks ({_COLUMNS}) FROM STDIN") as copy:
                    await copy.write(text)
                candles = await self._after_insert(cur, rows)
            return WriteResult(len(rows), in_batch_dups, candles, False, rejected)
        except psycopg.errors.UniqueViolation:
            log.info("ingest.duplicate_batch", rows=len(rows))
        async with conn.transaction(), conn.cursor() as cur:
            await cur.execute("CREATE TEMP TABLE IF NOT EXISTS price_ticks_stage "
                              "(LIKE price_ticks INCLUDING DEFAULTS) ON COMMIT DELETE ROWS")
            async with cur.copy(f"COPY price_ticks_stage ({_COLUMNS}) FROM STDIN") as copy:
                await copy.write(text)
            await cur.execute(f"INSERT INTO price_ticks ({_COLUMNS}) SELECT {_COLUMNS} FROM price_ticks_stage "
                              "ON CONFLICT (feed_id, publish_time) DO NOTHING "
                              "RETURNING feed_id, publish_time")
            keys = {(r[0], r[1]) for r in await cur.fetchall()}
            inserted = [u for u in rows if (u.feed_id, u.publish_time) in keys]
            candles = await self._after_insert(cur, inserted)
        return WriteResult(len(inserted), in_batch_dups + len(rows) - len(inserted), candles, True, rejected)

    async def _after_insert(self, cur: psycopg.AsyncCursor, inserted: list[PriceUpdate]) -> int:
        candle_rows, skipped = aggregate(((u.feed_id, u.publish_time, u.price, u.expo) for u in inserted),
                                         self._expo_of)
        if skipped:
            self.skipped_for_candles += skipped
            log.warning("ingest.candle_expo_mismatch", ticks=skipped)
        if candle_rows:
            await cur.execute(UPSERT_SQL, as_columns(candle_rows))
        latest: dict[str, PriceUpdate] = {}
        for u in inserted:
            cur_latest = latest.get(u.feed_id)
            if cur_latest is None or u.publish_time > cur_latest.publish_time:
                latest[u.feed_id] = u
        if latest:
            payloads = [json.dumps(self._event(u)) for u in latest.values()]
            await cur.execute("SELECT pg_notify(%s, p) FROM unnest(%s::text[]) AS p", (self._channel, payloads))
        return len(candle_rows)

    def _event(self, u: PriceUpdate) -> dict[str, object]:
        feed = self._registry.by_feed_id(u.feed_id)
        # Integers travel as JSON numbers; Pyth i64/u64 fit JSON parsers that keep big ints (Python's does).
        return {"symbol": feed.symbol if feed else None, "feed_id": u.feed_id, "price": u.price, "conf": u.conf,
                "expo": u.expo, "publish_time": u.publish_time, "ema_price": u.ema_price, "ema_conf": u.ema_conf,
                "status": u.status, "source": u.source}
