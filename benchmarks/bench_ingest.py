"""Ingest benchmark: how many price updates per second the ingest service gets
into Postgres (written and queryable), against a raw COPY of the same rows as
the ceiling, and the tick-to-query latency under a steady load.

* Throughput: the real service (replay source unthrottled → price book → batched
  COPY + candles + NOTIFY) from start until the last tick is committed, counted
  with ``SELECT count(*)``.
* Ceiling: the same rows, already serialised for COPY by the service's own
  ``copy_text``, COPYed in the same batch size into the same table (same primary
  key), one transaction per batch — the database path with nothing around it.
* Both are measured ``REPEATS`` times, interleaved (ceiling, service, ceiling, ...)
  so a burst of load elsewhere on the machine hits both alike; each run starts
  from an empty table after a CHECKPOINT; the medians are reported and compared.
  The service needs two cores (Python and Postgres work in parallel), the
  ceiling one, so load from other processes lowers the ratio: how much CPU
  everything else on the machine used during those runs is noted with it.
* Latency: the service at a steady 10,000 updates/s; for sampled ticks, from the
  moment the source hands the tick over to the moment a query on another
  connection sees it (polled every 2 ms).

Runs its own embedded PostgreSQL in a temp dir. ``python benchmarks/bench_ingest.py [--quick]``.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg  # noqa: E402

from quantdesk.compose import build_ingest  # noqa: E402
from quantdesk.config import Settings  # noqa: E402
from quantdesk.db import migrate, open_database  # noqa: E402
from quantdesk.ingest import COPY_COLUMNS, copy_text  # noqa: E402
from quantdesk.logs import configure_logging  # noqa: E402
from quantdesk.market import FeedRegistry, PriceUpdate, ReplaySource, default_replay_dir  # noqa: E402

NAME = "ingest"
BATCH = 5000
REPEATS = 5
LATENCY_RATE = 10_000  # updates/s during the latency run


def _row(metric: str, value: float, unit: str, target: str = "", ok: bool | None = None, note: str = "") -> dict:
    return {"benchmark": NAME, "metric": metric, "value": float(value), "unit": unit, "target": target, "ok": ok,
            "note": note}


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _no_sleep(_s: float) -> None:
    return None


async def _generate(registry: FeedRegistry, n: int) -> list[PriceUpdate]:
    source = ReplaySource(list(registry), default_replay_dir(), speed=1e6, sleep=_no_sleep)
    out: list[PriceUpdate] = []
    async for u in source.session():
        out.append(u)
        if len(out) == n:
            break
    return out


def _reset(url: str) -> None:
    """Empty tables, and no checkpoint owed from the previous run to land in the next one."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("TRUNCATE price_ticks, price_candles, ingest_status")
        conn.execute("CHECKPOINT")


def _raw_copy(url: str, chunks: list[str], n: int) -> float:
    """Rows/s for plain batched COPY of pre-serialised rows."""
    with psycopg.connect(url) as conn:
        started = time.perf_counter()
        for chunk in chunks:
            with conn.cursor() as cur, cur.copy(f"COPY price_ticks ({COPY_COLUMNS}) FROM STDIN") as copy:
                copy.write(chunk)
            conn.commit()
        elapsed = time.perf_counter() - started
        stored = conn.execute("SELECT count(*) FROM price_ticks").fetchone()[0]
    assert stored == n, (stored, n)
    return n / elapsed


def _settings(tmp: str, **kw: object) -> Settings:
    return Settings(_env_file=None, data_dir=Path(tmp), ingest_batch_size=BATCH,  # type: ignore[call-arg]
                    ingest_flush_interval_ms=100, ingest_retention_interval_s=3600, **kw)


async def _service_throughput(settings: Settings, url: str, registry: FeedRegistry, n: int) -> tuple[float, int]:
    source = ReplaySource(list(registry), default_replay_dir(), speed=1e6, sleep=_no_sleep)
    service = build_ingest(settings, url, registry=registry, source=source, serve_http=False)
    task = asyncio.create_task(service.run())
    while service.status().ticks_received == 0:  # start-up (pool, lock, feed list) is not throughput
        await asyncio.sleep(0.001)
    started = time.perf_counter()
    while service.status().ticks_received < n:
        await asyncio.sleep(0.005)
    service.request_stop()
    await task
    elapsed = time.perf_counter() - started
    with psycopg.connect(url) as conn:
        stored = conn.execute("SELECT count(*) FROM price_ticks").fetchone()[0]
    assert stored == service.status().ticks_written, (stored, service.status().ticks_written)
    return stored / elapsed, stored


class _Stamped:
    """The replay source, noting when every 25th SOL tick is handed to the service."""

    def __init__(self, inner: ReplaySource, feed_id: str) -> None:
        self._inner, self._feed_id = inner, feed_id
        self.name, self.live, self.description = inner.name, inner.live, inner.description
        self.sent: dict[int, float] = {}

    def stats(self) -> dict[str, int]:
        return self._inner.stats()

    async def session(self) -> AsyncIterator[PriceUpdate]:
        async for u in self._inner.session():
            if u.feed_id == self._feed_id and u.publish_time % 25 == 0:
                self.sent[u.publish_time] = time.perf_counter()
            yield u

    async def aclose(self) -> None:
        await self._inner.aclose()


def _poll_visible(url: str, feed_id: str, stamped: _Stamped, seen: dict[int, float], stop: threading.Event) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        while not stop.is_set():
            row = conn.execute("SELECT max(publish_time) FROM price_ticks WHERE feed_id = %s", (feed_id,)).fetchone()
            now = time.perf_counter()
            newest = row[0] if row and row[0] is not None else -1
            for publish_time in list(stamped.sent):
                if publish_time <= newest and publish_time not in seen:
                    seen[publish_time] = now
            time.sleep(0.002)


async def _latency(settings: Settings, url: str, registry: FeedRegistry, seconds: float) -> list[float]:
    sol = registry.get("SOL").feed_id
    speed = LATENCY_RATE / len(registry)
    stamped = _Stamped(ReplaySource(list(registry), default_replay_dir(), speed=speed), sol)
    service = build_ingest(settings, url, registry=registry, source=stamped, serve_http=False)
    seen: dict[int, float] = {}
    stop = threading.Event()
    poller = threading.Thread(target=_poll_visible, args=(url, sol, stamped, seen, stop), daemon=True)
    poller.start()
    task = asyncio.create_task(service.run())
    await asyncio.sleep(seconds)
    service.request_stop()
    await task
    await asyncio.sleep(0.05)
    stop.set()
    poller.join()
    warmup = sorted(stamped.sent)[: max(1, len(stamped.sent) // 20)]  # first 5 %: pool and caches warming
    return [(seen[p] - stamped.sent[p]) * 1000 for p in stamped.sent if p in seen and p not in warmup]


def _spread(samples: list[float]) -> str:
    return f"median of {len(samples)}, range {min(samples):,.0f}–{max(samples):,.0f}"


def _cpu_s(pgdata: Path) -> tuple[float, float]:
    """CPU-seconds since boot used by the whole machine, and by this benchmark (this process and the
    embedded Postgres: its postmaster, the backends it reaped and the ones alive). Linux ``/proc``."""
    hz = os.sysconf("SC_CLK_TCK")
    with open("/proc/stat") as fh:
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fh.readline().split()[1:9])
    machine = (user + nice + system + irq + softirq + steal) / hz
    t = os.times()
    ours = t.user + t.system + t.children_user + t.children_system
    postmaster = (pgdata / "postmaster.pid").read_text().split()[0]
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if pid == postmaster:
            ours += sum(int(x) for x in fields[11:15]) / hz  # utime, stime, and its reaped children's
        elif fields[1] == postmaster:
            ours += (int(fields[11]) + int(fields[12])) / hz
    return machine, ours


def _others_note(before: tuple[float, float] | None, after: tuple[float, float] | None, wall_s: float) -> str:
    if before is None or after is None:
        return "other load on the machine unknown"
    others = max(0.0, (after[0] - before[0]) - (after[1] - before[1])) / wall_s
    return f"other processes used {others:.1f} of the {os.cpu_count()} cores meanwhile"


def _sample_cpu(pgdata: Path) -> tuple[float, float] | None:
    try:
        return _cpu_s(pgdata)
    except (OSError, ValueError):
        return None  # not Linux, or the server's pid file is not where the embedded layout puts it


def run(quick: bool = False) -> list[dict]:
    n = 100_000 if quick else 400_000
    repeats = 3 if quick else REPEATS
    latency_s = 3.0 if quick else 8.0
    registry = FeedRegistry.load()
    with tempfile.TemporaryDirectory(prefix="qd-bench-ingest-") as tmp:
        settings = _settings(tmp, log_level="WARNING")
        configure_logging(settings)
        db = open_database(settings)
        try:
            migrate(db)
            rows = asyncio.run(_generate(registry, n))
            chunks = [copy_text(rows[i:i + BATCH]) for i in range(0, len(rows), BATCH)]
            del rows  # 400k live objects would tax every garbage collection in the service runs below
            ceilings: list[float] = []
            rates: list[float] = []
            cpu_before, started = _sample_cpu(settings.embedded_db_dir), time.perf_counter()
            for _ in range(repeats):
                _reset(db.url)
                ceilings.append(_raw_copy(db.url, chunks, n))
                _reset(db.url)
                rate, stored = asyncio.run(_service_throughput(settings, db.url, registry, n))
                rates.append(rate)
            others = _others_note(cpu_before, _sample_cpu(settings.embedded_db_dir), time.perf_counter() - started)
            _reset(db.url)
            latencies = asyncio.run(_latency(settings, db.url, registry, latency_s))
        finally:
            db.close()
    service_rate, ceiling = statistics.median(rates), statistics.median(ceilings)
    share = service_rate / ceiling
    p50, p99 = statistics.median(latencies), _percentile(latencies, 0.99)
    return [
        _row("ingest throughput (written + queryable)", service_rate, "updates/s", ">= 50,000",
             service_rate >= 50_000, f"{stored:,} replay ticks, batch {BATCH}, COPY + candles + NOTIFY; "
             f"{_spread(rates)}"),
        _row("raw COPY of the same rows (ceiling)", ceiling, "rows/s",
             note=f"pre-serialised, batch {BATCH}; {_spread(ceilings)}"),
        _row("ingest / raw COPY", share * 100, "%", ">= 70", share >= 0.70,
             f"ratio of medians; {others} (the service keeps two cores busy, the raw COPY one)"),
        _row("tick-to-query latency p50", p50, "ms", note=f"{LATENCY_RATE:,} updates/s for {latency_s:g}s, "
             f"{len(latencies)} samples"),
        _row("tick-to-query latency p99", p99, "ms", "< 250", p99 < 250, "flush interval 100 ms"),
    ]


if __name__ == "__main__":
    for r in run(quick="--quick" in sys.argv[1:]):
        ok = "" if r["ok"] is None else ("ok" if r["ok"] else "MISSED")
        print(f"{r['metric']:<42} {r['value']:>14,.1f} {r['unit']:<10} {r['target']:<10} {ok:<6} {r['note']}")
