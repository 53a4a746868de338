"""Batched writes into the embedded Postgres: COPY, candles, NOTIFY, idempotency
(the unique key on feed + publish time), retention."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import psycopg
import pytest

from quantdesk.db import Database
from quantdesk.ingest import PRICE_CHANNEL, TickWriter, copy_text, listen_price_events, trim_ticks
from quantdesk.market import FeedRegistry, PriceUpdate
from tests.conftest import until_listening
from tests.quantdesk.market.conftest import BTC, SOL

T0 = 1_800_000_000


def tick(feed: str, t: int, price: int, *, ema: int | None = None) -> PriceUpdate:
    return PriceUpdate(feed_id=feed, price=price, conf=price // 2000, expo=-8, publish_time=t, ema_price=ema,
                       ema_conf=None, source="hermes")


def _rows(db: Database, sql: str, *args: object) -> list[tuple]:
    with db.connect(autocommit=True) as conn:
        return conn.execute(sql, args).fetchall()


def test_copy_text_writes_nulls_as_backslash_n() -> None:
    assert copy_text([tick(SOL, T0, 15_000_000_000)]) == (
        f"{SOL}\t{T0}\t15000000000\t7500000\t-8\t\\N\t\\N\thermes\n")


async def test_batch_lands_with_its_candles(clean_market: Database, registry: FeedRegistry) -> None:
    batch = [tick(SOL, T0 + s, 15_000_000_000 + s * 1_000_000, ema=14_900_000_000) for s in range(90)]
    async with await psycopg.AsyncConnection.connect(clean_market.url) as conn:
        result = await TickWriter(registry).write(conn, batch)
    assert (result.inserted, result.duplicates, result.slow_path) == (90, 0, False)
    stored = _rows(clean_market, "SELECT publish_time, price, conf, expo, ema_price, ema_conf, source FROM price_ticks "
                                 "WHERE feed_id = %s ORDER BY publish_time", SOL)
    assert stored[0] == (T0, 15_000_000_000, 7_500_000, -8, 14_900_000_000, None, "hermes")
    assert len(stored) == 90
    candles = _rows(clean_market, "SELECT interval, bucket_start, open, high, low, close, ticks FROM price_candles "
                                  "WHERE feed_id = %s ORDER BY interval, bucket_start", SOL)
    assert candles == [
        ("1h", T0, 15_000_000_000, 15_089_000_000, 15_000_000_000, 15_089_000_000, 90),
        ("1m", T0, 15_000_000_000, 15_059_000_000, 15_000_000_000, 15_059_000_000, 60),
        ("1m", T0 + 60, 15_060_000_000, 15_089_000_000, 15_060_000_000, 15_089_000_000, 30),
        ("5m", T0, 15_000_000_000, 15_089_000_000, 15_000_000_000, 15_089_000_000, 90),
    ]


async def test_resending_a_batch_stores_each_tick_once(clean_market: Database, registry: FeedRegistry) -> None:
    first = [tick(SOL, T0 + s, 100_000_000 + s) for s in range(10)]
    again_and_more = first[5:] + [tick(SOL, T0 + s, 200_000_000 + s) for s in range(10, 15)]
    writer = TickWriter(registry)
    async with await psycopg.AsyncConnection.connect(clean_market.url) as conn:
        await writer.write(conn, first)
        replay = await writer.write(conn, first)
        mixed = await writer.write(conn, again_and_more)
    assert (replay.inserted, replay.duplicates, replay.slow_path) == (0, 10, True)
    assert (mixed.inserted, mixed.duplicates, mixed.slow_path) == (5, 5, True)
    assert _rows(clean_market, "SELECT count(*) FROM price_ticks")[0][0] == 15
    [(ticks, close, high)] = _rows(clean_market, "SELECT ticks, close, high FROM price_candles "
                                                 "WHERE interval = '1m' AND bucket_start = %s", T0)
    assert (ticks, close, high) == (15, 200_000_014, 200_000_014)  # counted once each; close is the latest tick


async def test_duplicates_inside_one_batch_keep_the_first(clean_market: Database, registry: FeedRegistry) -> None:
    async with await psycopg.AsyncConnection.connect(clean_market.url) as conn:
        result = await TickWriter(registry).write(conn, [tick(SOL, T0, 1), tick(SOL, T0, 2), tick(BTC, T0, 3)])
    assert (result.inserted, result.duplicates) == (2, 1)
    assert _rows(clean_market, "SELECT price FROM price_ticks WHERE feed_id = %s", SOL) == [(1,)]


async def test_a_tick_repeated_inside_a_batch_counts_once_in_its_candle(clean_market: Database,
                                                                         registry: FeedRegistry) -> None:
    batch = [tick(SOL, T0, 100), tick(SOL, T0 + 1, 300), tick(SOL, T0, 999), tick(SOL, T0 + 2, 200)]
    async with await psycopg.AsyncConnection.connect(clean_market.url) as conn:
        result = await TickWriter(registry).write(conn, batch)
    assert (result.inserted, result.duplicates, result.slow_path) == (3, 1, True)
    assert _rows(clean_market, "SELECT open, high, low, close, ticks FROM price_candles "
                               "WHERE feed_id = %s AND interval = '1m'", SOL) == [(100, 300, 100, 200, 3)]


async def test_the_slow_path_announces_the_status_the_source_gave(clean_market: Database,
                                                                  registry: FeedRegistry) -> None:
    # The table has no status column; a re-sent batch's events must still say "halted" for a halted tick.
    halted = PriceUpdate(feed_id=SOL, price=5, conf=1, expo=-8, publish_time=T0 + 1, status="halted",
                         source="hermes")
    since = datetime.now(UTC)
    events = listen_price_events(clean_market.url, registry)
    received = asyncio.ensure_future(anext(events))
    await until_listening(clean_market.url, PRICE_CHANNEL, since)
    writer = TickWriter(registry)
    async with await psycopg.AsyncConnection.connect(clean_market.url) as conn:
        await writer.write(conn, [tick(SOL, T0, 4)])
        first = await asyncio.wait_for(received, 5)
        second = asyncio.ensure_future(anext(events))
        result = await writer.write(conn, [tick(SOL, T0, 4), halted])
    event = await asyncio.wait_for(second, 5)
    await events.aclose()
    assert first.update.status == "trading" and result.slow_path
    assert (event.update.publish_time, event.update.status) == (T0 + 1, "halted")


async def test_a_failed_batch_leaves_nothing_and_the_connection_ready(clean_market: Database,
                                                                       registry: FeedRegistry) -> None:
    too_big = tick(SOL, T0 + 1, 2**70)  # no bigint holds it: the COPY fails half-way through the batch
    writer = TickWriter(registry)
    async with await psycopg.AsyncConnection.connect(clean_market.url) as conn:
        with pytest.raises(psycopg.errors.NumericValueOutOfRange):
            await writer.write(conn, [tick(SOL, T0, 1), too_big])
        result = await writer.write(conn, [tick(SOL, T0 + 2, 3)])
    assert (result.inserted, result.slow_path) == (1, False)
    assert _rows(clean_market, "SELECT publish_time FROM price_ticks") == [(T0 + 2,)]
    assert _rows(clean_market, "SELECT ticks FROM price_candles WHERE interval = '1m'") == [(1,)]


async def test_sending_refuses_an_autocommit_connection(clean_market: Database, registry: FeedRegistry) -> None:
    async with await psycopg.AsyncConnection.connect(clean_market.url, autocommit=True) as conn:
        with pytest.raises(ValueError, match="autocommit off"):
            await TickWriter(registry).write(conn, [tick(SOL, T0, 1)])
    assert _rows(clean_market, "SELECT count(*) FROM price_ticks") == [(0,)]


def test_building_a_batch_needs_no_database(registry: FeedRegistry) -> None:
    batch = TickWriter(registry).build([tick(SOL, T0 + s, 10 + s) for s in range(3)] + [tick("cd" * 32, T0, 1)])
    assert (batch.count, batch.rejected, batch.newest) == (3, 1, T0 + 2)
    assert batch.text == copy_text([tick(SOL, T0 + s, 10 + s) for s in range(3)])
    assert {(c.interval, c.open, c.close, c.ticks) for c in batch.candles} == {
        ("1m", 10, 12, 3), ("5m", 10, 12, 3), ("1h", 10, 12, 3)}
    [payload] = batch.notify
    assert json.loads(payload)["price"] == 12


async def test_ticks_of_feeds_outside_the_registry_are_rejected(clean_market: Database,
                                                               registry: FeedRegistry) -> None:
    async with await psycopg.AsyncConnection.connect(clean_market.url) as conn:
        result = await TickWriter(registry).write(conn, [tick("cd" * 32, T0, 1), tick(SOL, T0, 2)])
    assert (result.inserted, result.rejected) == (1, 1)


async def test_committed_batches_notify_other_processes(clean_market: Database, registry: FeedRegistry) -> None:
    since = datetime.now(UTC)
    events = listen_price_events(clean_market.url, registry)
    first = asyncio.ensure_future(anext(events))
    await until_listening(clean_market.url, PRICE_CHANNEL, since)
    async with await psycopg.AsyncConnection.connect(clean_market.url) as conn:
        await TickWriter(registry).write(conn, [tick(SOL, T0 + s, 15_000_000_000 + s) for s in range(5)])
    event = await asyncio.wait_for(first, 5)
    await events.aclose()
    assert event.symbol == "SOL/USD"
    assert (event.update.publish_time, event.update.price) == (T0 + 4, 15_000_000_004)  # newest of the batch


async def test_a_rolled_back_batch_notifies_nobody(clean_market: Database) -> None:
    async with await psycopg.AsyncConnection.connect(clean_market.url, autocommit=True) as listener:
        await listener.execute(f"LISTEN {PRICE_CHANNEL}")
        async with await psycopg.AsyncConnection.connect(clean_market.url) as conn:
            async with conn.transaction(force_rollback=True):
                await conn.execute("SELECT pg_notify(%s, %s)", (PRICE_CHANNEL, json.dumps({"x": 1})))
        got = [n async for n in listener.notifies(timeout=0.3)]
    assert got == []


async def test_retention_keeps_the_newest_ticks_per_feed(clean_market: Database, registry: FeedRegistry) -> None:
    async with await psycopg.AsyncConnection.connect(clean_market.url) as conn:
        await TickWriter(registry).write(conn, [tick(f, T0 + s, 1 + s) for f in (SOL, BTC) for s in range(50)])
        deleted = await trim_ticks(conn, [SOL, BTC], cap=20)
    assert deleted == 60
    assert _rows(clean_market, "SELECT feed_id, min(publish_time), count(*) FROM price_ticks GROUP BY feed_id "
                               "ORDER BY feed_id") == sorted([(SOL, T0 + 30, 20), (BTC, T0 + 30, 20)])
    assert _rows(clean_market, "SELECT ticks FROM price_candles WHERE feed_id = %s AND interval = '1h'", SOL) == [(50,)]


@pytest.mark.parametrize("cap", [1, 100])
async def test_retention_below_the_cap_or_at_one(clean_market: Database, registry: FeedRegistry, cap: int) -> None:
    async with await psycopg.AsyncConnection.connect(clean_market.url) as conn:
        await TickWriter(registry).write(conn, [tick(SOL, T0 + s, 1 + s) for s in range(10)])
        await trim_ticks(conn, [SOL], cap=cap)
    assert _rows(clean_market, "SELECT count(*), max(publish_time) FROM price_ticks")[0] == (min(cap, 10), T0 + 9)
