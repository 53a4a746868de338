"""Market tools over the real database: candles written by the real tick writer,
ingest status as the service reports it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import psycopg

from quantdesk.db import Database
from quantdesk.ingest import PostgresPrices, TickWriter
from quantdesk.market import FeedRegistry, PriceBook, PriceUpdate, QualityGate
from tools import ToolContext, get_candles, get_price, ingest_status
from tools.schemas import CandlesArgs, MarketArgs, NoArgs

CTX = ToolContext(user_id="alice", thread_id="t-1", now=datetime(2027, 1, 1, tzinfo=UTC))
T0 = 1_900_000_020  # 20 s into a minute, far from other tests' ticks


async def test_candles_tool_reports_the_written_minute(database: Database) -> None:
    registry = FeedRegistry.load()
    eth = registry.get("ETH/USD").feed_id
    prices_by_second = [300_000_000_000, 310_000_000_000, 295_000_000_000, 305_000_000_000]
    batch = [PriceUpdate(feed_id=eth, price=p, conf=p // 5000, expo=-8, publish_time=T0 + i, source="hermes")
             for i, p in enumerate(prices_by_second)]
    async with await psycopg.AsyncConnection.connect(database.url) as conn:
        await TickWriter(registry).write(conn, batch)
    reader = PostgresPrices(database, registry, QualityGate(max_age_s=30, max_conf_ratio=Decimal("0.01")))
    outcome = get_candles(reader)(CandlesArgs(market="ETH-PERP", interval="1m", limit=1), CTX)
    assert outcome.text == "ETH-PERP 1 × 1m: open $3,000.00, close $3,050.00, high $3,100.00, low $2,950.00"
    (candle,) = outcome.data["candles"]
    assert (candle["open"], candle["high"], candle["ticks"]) == ("3000.00000000", "3100.00000000", 4)


def test_ingest_status_tool_says_when_nothing_reports(database: Database) -> None:
    with database.connect(autocommit=True) as conn:
        conn.execute("DELETE FROM ingest_status")
    outcome = ingest_status(database)(NoArgs(), CTX)
    assert outcome.data == {"running": False}
    assert "has not reported yet" in outcome.text


def _candle(db: Database, feed: str, interval: str, start: int, o: int, h: int, low: int, c: int) -> None:
    with db.connect(autocommit=True) as conn:
        conn.execute("INSERT INTO price_candles (feed_id, interval, bucket_start, expo, open, high, low, close, "
                     "open_time, close_time, ticks) VALUES (%s, %s, %s, -8, %s, %s, %s, %s, %s, %s, 60) "
                     "ON CONFLICT DO NOTHING", (feed, interval, start, o, h, low, c, start, start + 59))


def test_a_price_comes_with_its_change_and_range_over_the_last_hour_and_day(database: Database) -> None:
    registry = FeedRegistry.load()
    btc = registry.get("BTC/USD").feed_id
    now = 1_950_000_000 - 1_950_000_000 % 3600 + 1800  # half way through an hour, far from other tests' data
    for minute in range(60):  # the last hour: 95,000 rising by 16 a minute to 95,960 (+1.01%)
        price = 95_000_00000000 + minute * 16_00000000
        _candle(database, btc, "1m", now - 59 * 60 + minute * 60, price, price + 20_00000000, price - 10_00000000,
                price + 16_00000000)
    _candle(database, btc, "1h", now - 1800 - 3600 * 3, 99_000_00000000, 99_500_00000000, 94_000_00000000,
            96_000_00000000)  # only 3.5 h of hours stored
    _candle(database, btc, "1h", now - 1800, 96_000_00000000, 97_000_00000000, 94_500_00000000, 95_960_00000000)
    book = PriceBook(registry, QualityGate(max_age_s=60, max_conf_ratio=Decimal("0.01")), clock=lambda: now)
    book.update(PriceUpdate(feed_id=btc, price=95_960_00000000, conf=1_00000000, expo=-8, publish_time=now - 1,
                            source="hermes"))
    stored = PostgresPrices(database, registry, QualityGate(max_age_s=60, max_conf_ratio=Decimal("0.01")))
    ctx = ToolContext(user_id="alice", thread_id="t-1", now=datetime.fromtimestamp(now, UTC))
    outcome = get_price(book, stored.candles)(MarketArgs(market="BTC-PERP"), ctx)
    first, moves = outcome.text.split("\n")
    assert first.startswith("BTC-PERP: $95,960.00")
    assert moves == ("Last hour +1.01%, range $94,990.0 to $95,964.0; last 24 h (only 210 min stored) -3.07%, "
                     "range $94,000.0 to $99,500.0."), moves
    assert outcome.data["moves"]["last hour"]["change_pct"] == "1.01"
    quiet = get_price(book)(MarketArgs(market="BTC-PERP"), ctx)  # no stored candles to read: the price alone
    assert "\n" not in quiet.text and "moves" not in quiet.data


def test_with_minutes_of_data_both_windows_say_how_little_is_stored(database: Database) -> None:
    registry = FeedRegistry.load()
    eth = registry.get("ETH/USD").feed_id
    now = 1_960_000_000 - 1_960_000_000 % 3600 + 1800  # 30 min into an hour; data only for its last 10 min
    for minute in range(10):
        _candle(database, eth, "1m", now - 9 * 60 + minute * 60, 3000_00000000, 3001_00000000, 2999_00000000,
                3000_00000000)
    _candle(database, eth, "1h", now - 1800, 3000_00000000, 3001_00000000, 2999_00000000, 3000_00000000)
    book = PriceBook(registry, QualityGate(max_age_s=60, max_conf_ratio=Decimal("0.01")), clock=lambda: now)
    book.update(PriceUpdate(feed_id=eth, price=3000_00000000, conf=1_00000000, expo=-8, publish_time=now - 1,
                            source="hermes"))
    stored = PostgresPrices(database, registry, QualityGate(max_age_s=60, max_conf_ratio=Decimal("0.01")))
    ctx = ToolContext(user_id="alice", thread_id="t-1", now=datetime.fromtimestamp(now, UTC))
    moves = get_price(book, stored.candles)(MarketArgs(market="ETH-PERP"), ctx).text.split("\n")[1]
    assert moves.startswith("Last hour (only 9 min stored) 0.00%") and "last 24 h (only 9 min stored)" in moves, moves


async def test_15m_4h_and_1d_candles_through_postgres_match_the_ticks(database: Database) -> None:
    # Ticks every 7 minutes over 29 hours across a UTC midnight, written by the real writer; the tool's
    # 15m/4h/1d candles (folded on read from stored 5m/1h ones) equal buckets computed from the raw ticks.
    registry = FeedRegistry.load()
    btc = registry.get("BTC/USD").feed_id
    midnight = 1_999_987_200  # a UTC day start, far from other tests' ticks
    times = range(midnight - 3 * 3600, midnight + 26 * 3600, 7 * 60)
    prices = {t: 9_000_000_000_000 + ((t * 7919) % 500_000) * 1_000_000 for t in times}
    batch = [PriceUpdate(feed_id=btc, price=p, conf=p // 5000, expo=-8, publish_time=t, source="hermes")
             for t, p in prices.items()]
    async with await psycopg.AsyncConnection.connect(database.url) as conn:
        await TickWriter(registry).write(conn, batch)
    reader = PostgresPrices(database, registry, QualityGate(max_age_s=30, max_conf_ratio=Decimal("0.01")))
    for interval, seconds, limit in (("15m", 900, 20), ("4h", 14_400, 5), ("1d", 86_400, 2)):
        buckets: dict[int, list[int]] = {}
        for t, p in prices.items():
            buckets.setdefault(t - t % seconds, []).append(p)
        expected = [(start, ps[0], max(ps), min(ps), ps[-1], len(ps)) for start, ps in sorted(buckets.items())][-limit:]
        outcome = get_candles(reader)(CandlesArgs(market="BTC-PERP", interval=interval, limit=limit), CTX)
        got = [(c["start"], *(int(Decimal(c[k]) * 10**8)
                for k in ("open", "high", "low", "close")), c["ticks"]) for c in outcome.data["candles"]]
        assert got == expected, interval
    assert [c[0] for c in expected] == [midnight, midnight + 86_400]  # the newest two UTC days
