"""Market tools over the real database: candles written by the real tick writer,
ingest status as the service reports it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import psycopg

from quantdesk.db import Database
from quantdesk.ingest import PostgresPrices, TickWriter
from quantdesk.market import FeedRegistry, PriceUpdate, QualityGate
from tools import ToolContext
from tools._market import get_candles, ingest_status
from tools.schemas import CandlesArgs, NoArgs

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
