"""The ingest service end to end into the embedded Postgres: replay → ticks,
candles, status and metrics; the breaker opening and closing around a failing
Hermes; idempotent re-delivery; active/standby."""

from __future__ import annotations

import asyncio
import gzip
import json
import time
from pathlib import Path

import httpx
import pytest

from quantdesk.config import Settings
from quantdesk.db import Database
from quantdesk.ingest import IngestService, PostgresPrices, read_status
from quantdesk.market import (
    FeedRegistry,
    HermesSource,
    Quality,
    ReplaySource,
    StalePrice,
    default_replay_dir,
    read_candles,
)
from tests.conftest import make_settings, until
from tests.quantdesk.market.conftest import ETH, PRICES, eth_updates_x3, free_port
from tests.quantdesk.market.doubles import Drop, Event, HermesDouble, Status


def _settings(tmp_path: Path, **overrides: object) -> Settings:
    base: dict[str, object] = {"ingest_port": free_port(), "ingest_batch_size": 500, "ingest_flush_interval_ms": 50,
                               "replay_speed": 120.0}
    return make_settings(tmp_path, **{**base, **overrides})


def _count(db: Database, sql: str = "SELECT count(*) FROM price_ticks", *args: object) -> int:
    with db.connect(autocommit=True) as conn:
        return int(conn.execute(sql, args).fetchone()[0])


async def test_replay_ingests_ticks_candles_status_and_metrics(clean_market: Database, registry: FeedRegistry,
                                                              tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    source = ReplaySource(list(registry), default_replay_dir(), speed=settings.replay_speed)
    service = IngestService(settings, conninfo=clean_market.url, registry=registry, source=source)
    events = service.bus.subscribe(maxsize=100)
    task = asyncio.create_task(service.run())
    await until(lambda: service.status().ticks_written >= 3 * 200, what="200 s of market written")
    base = f"http://{settings.host}:{settings.ingest_port}"
    async with httpx.AsyncClient() as http:
        live = (await http.get(f"{base}/status")).json()
        metrics = (await http.get(f"{base}/metrics")).text
        health = await http.get(f"{base}/healthz")
    service.request_stop()
    await asyncio.wait_for(task, 15)

    final = service.status()
    assert final.ticks_received == final.ticks_written == _count(clean_market) > 0
    assert final.pending == 0 and final.role == "stopped"
    assert live["source"] == "replay" and "derived from Binance 1m candles" in live["source_description"]
    assert {f["symbol"] for f in live["feeds"]} == {"SOL/USD", "BTC/USD", "ETH/USD"}
    assert "quantdesk_ingest_ticks_written_total" in metrics
    assert 'quantdesk_price_quality{quality="ok",symbol="SOL/USD"} 1.0' in metrics
    assert health.status_code == 200 and health.json()["role"] == "leader"
    assert read_status(clean_market).role == "stopped"  # type: ignore[union-attr]

    # A complete stored minute is exactly the real Binance candle it was derived from.
    sol = registry.get("SOL")
    t0 = _count(clean_market, "SELECT min(publish_time) FROM price_ticks WHERE feed_id = %s", sol.feed_id)
    first_full = t0 if t0 % 60 == 0 else t0 - t0 % 60 + 60
    index = 0 if t0 % 60 == 0 else 1
    real = [c for _, c in zip(range(index + 1), read_candles(PRICES / str(sol.replay_file), -8), strict=False)][index]
    with clean_market.connect(autocommit=True) as conn:
        stored = conn.execute("SELECT open, high, low, close, ticks FROM price_candles WHERE feed_id = %s "
                              "AND interval = '1m' AND bucket_start = %s", (sol.feed_id, first_full)).fetchone()
    assert stored == (real.open, real.high, real.low, real.close, 60)

    # Another process reads the same price through the same gate.
    prices = PostgresPrices(clean_market, registry, service.gate)
    assert prices.get("SOL").quality is Quality.OK
    assert prices.get("SOL").update.publish_time == _count(
        clean_market, "SELECT max(publish_time) FROM price_ticks WHERE feed_id = %s", sol.feed_id)
    assert [c.ticks for c in prices.candles("SOL", "1m", limit=1)] != []
    # In-process subscribers saw the ticks as they arrived.
    # A subscriber that never read kept the newest 100 and counted the rest as dropped.
    assert events.dropped == final.ticks_received - 100
    kept = [await asyncio.wait_for(events.get(), 1) for _ in range(100)]
    # The newest event is the newest tick of its feed (the stop may land between feeds of one second).
    newest = {f.symbol: f.publish_time for f in final.feeds}
    assert kept[-1].update.publish_time == newest[kept[-1].symbol] == max(newest.values())
    assert all(e.update.source == "replay" for e in kept)


async def _no_sleep(_seconds: float) -> None:
    return None


_CANDLES_FROM_TICKS = """
SELECT feed_id, publish_time - publish_time %% %(s)s AS bucket,
       (array_agg(price ORDER BY publish_time))[1], max(price), min(price),
       (array_agg(price ORDER BY publish_time DESC))[1], min(publish_time), max(publish_time), count(*)
FROM price_ticks GROUP BY 1, 2 ORDER BY 1, 2"""


async def test_candles_stay_exact_across_batches_at_full_speed(clean_market: Database, registry: FeedRegistry,
                                                               tmp_path: Path) -> None:
    # An unthrottled source, small batches: ticks of one minute (and hour) land in many batches, some closed
    # because they were full, some by the flush timer. Every stored candle must still be its ticks' OHLC.
    settings = _settings(tmp_path, ingest_batch_size=700)
    source = ReplaySource(list(registry), default_replay_dir(), speed=1e6, sleep=_no_sleep)
    service = IngestService(settings, conninfo=clean_market.url, registry=registry, source=source,
                            serve_http=False)
    task = asyncio.create_task(service.run())
    await until(lambda: service.status().ticks_received >= 30_000, what="30,000 ticks received")
    service.request_stop()
    await asyncio.wait_for(task, 30)

    assert service.status().ticks_written == _count(clean_market) >= 30_000
    with clean_market.connect(autocommit=True) as conn:
        for interval, seconds in (("1m", 60), ("5m", 300), ("1h", 3600)):
            stored = conn.execute(
                "SELECT feed_id, bucket_start, open, high, low, close, open_time, close_time, ticks "
                "FROM price_candles WHERE interval = %s ORDER BY 1, 2", (interval,)).fetchall()
            assert stored == conn.execute(_CANDLES_FROM_TICKS, {"s": seconds}).fetchall(), interval
    assert service.status().pending == 0


async def test_breaker_opens_marks_prices_stale_and_closes_on_recovery(clean_market: Database,
                                                                      registry: FeedRegistry,
                                                                      tmp_path: Path) -> None:
    bodies = [json.dumps(b) for b in eth_updates_x3()]
    async with HermesDouble(known_feeds=[ETH]) as hermes:
        hermes.connections = [[Event(bodies[0]), Drop()], [Status(503, "upstream down")],
                              [Status(503, "upstream down")], [Event(bodies[1]), Event(bodies[2])]]
        settings = _settings(tmp_path, pyth_source="hermes", hermes_url=hermes.url, breaker_failure_threshold=2,
                             breaker_open_s=1.0, source_backoff_initial_s=0.01, source_backoff_max_s=0.02)
        source = HermesSource(base_url=hermes.url, feeds=[registry.get("ETH")])
        # The recorded ETH prices are from 2025-10-15; the service's clock is set 5 s after them.
        service = IngestService(settings, conninfo=clean_market.url, registry=registry, source=source,
                                clock=lambda: 1760551465.0)
        task = asyncio.create_task(service.run())
        await until(lambda: service.status().breaker.state == "open", what="breaker open")
        with pytest.raises(StalePrice, match="ETH/USD price is stale: price source down .*503"):
            service.book.get("ETH")
        async with httpx.AsyncClient() as http:
            health = await http.get(f"http://{settings.host}:{settings.ingest_port}/healthz")
        assert health.status_code == 503 and health.json()["breaker"] == "open"
        await until(lambda: (s := read_status(clean_market)) is not None and s.breaker.state == "open",
                     what="open breaker persisted")
        await until(lambda: service.status().breaker.state == "closed" and service.status().ticks_written == 3,
                     what="recovery")
        assert service.book.get("ETH").quality is Quality.OK
        service.request_stop()
        await asyncio.wait_for(task, 15)
    gaps = [b.at - a.at for a, b in zip(hermes.stream_requests(), hermes.stream_requests()[1:], strict=False)]
    # open after the 2nd failure; the half-open try met the 3rd and reopened; the next try recovered
    # a short backoff first, then each open period was waited out, not hammered
    assert gaps[0] < 0.5 and gaps[1] >= 1.0 and gaps[2] >= 1.0
    assert service.status().breaker.opens == 2 and _count(clean_market) == 3


def _two_minutes(src_dir: Path, dst: Path, registry: FeedRegistry) -> Path:
    for feed in registry:
        with gzip.open(src_dir / str(feed.replay_file), "rt") as fh:
            head = [next(fh) for _ in range(3)]  # header + the first two real candles
        with gzip.open(dst / str(feed.replay_file), "wt") as out:
            out.writelines(head)
    return dst


async def test_a_restarted_service_redelivering_ticks_stores_each_once(clean_market: Database,
                                                                      registry: FeedRegistry,
                                                                      tmp_path: Path) -> None:
    data = _two_minutes(PRICES, tmp_path, registry)
    start = 1_800_000_000.0

    async def run_once() -> tuple[int, int]:
        m0: list[float] = []

        def clock() -> float:
            # the same timeline in both runs: it starts at `start` when first read, then runs 1000x
            if not m0:
                m0.append(time.monotonic())
            return start + (time.monotonic() - m0[0]) * 1000
        source = ReplaySource(list(registry), data, speed=1000, loop=False, clock=clock)
        service = IngestService(_settings(tmp_path), conninfo=clean_market.url, registry=registry, source=source,
                                serve_http=False)
        task = asyncio.create_task(service.run())
        await asyncio.wait_for(service.source_done.wait(), 15)
        await until(lambda: service.status().pending == 0, what="flush")
        service.request_stop()
        await asyncio.wait_for(task, 15)
        return service.status().ticks_written, service.status().duplicates

    assert await run_once() == (360, 0)
    assert await run_once() == (0, 360)  # the same ticks again, as after a crash: none stored twice
    assert _count(clean_market) == 360
    assert _count(clean_market, "SELECT sum(ticks) FROM price_candles WHERE interval = '1m'") == 360


async def test_second_instance_stands_by_until_the_leader_stops(clean_market: Database, registry: FeedRegistry,
                                                               tmp_path: Path) -> None:
    def make() -> IngestService:
        source = ReplaySource(list(registry), default_replay_dir(), speed=60)
        return IngestService(_settings(tmp_path), conninfo=clean_market.url, registry=registry, source=source,
                             serve_http=False)

    leader, standby = make(), make()
    leader_task = asyncio.create_task(leader.run())
    await until(lambda: leader.status().role == "leader", what="leader")
    standby_task = asyncio.create_task(standby.run())
    await until(lambda: standby.status().role == "standby", what="standby")
    await asyncio.sleep(0.5)
    assert standby.status().ticks_received == 0 and leader.status().ticks_received > 0
    leader.request_stop()
    await asyncio.wait_for(leader_task, 15)
    await until(lambda: standby.status().ticks_written > 0, timeout_s=10, what="standby takes over")
    assert standby.status().role == "leader"
    standby.request_stop()
    await asyncio.wait_for(standby_task, 15)
