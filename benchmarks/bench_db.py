"""Foundation benchmark: embedded PostgreSQL start-up (cold = initdb + start,
warm = start on existing data), migrations on an empty database, and pooled
query round trips (``SELECT 1``) p50/p99 over the Unix socket."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from quantdesk.config import Settings  # noqa: E402
from quantdesk.db import migrate, open_database  # noqa: E402

NAME = "db"


def _row(metric: str, value: float, unit: str, target: str = "", ok: bool | None = None, note: str = "") -> dict:
    return {"benchmark": NAME, "metric": metric, "value": value, "unit": unit, "target": target, "ok": ok,
            "note": note}


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(quick: bool = False) -> list[dict]:
    queries = 500 if quick else 5000
    with tempfile.TemporaryDirectory(prefix="qd-bench-db-") as tmp:
        settings = Settings(_env_file=None, data_dir=Path(tmp))  # type: ignore[call-arg]
        t0 = time.perf_counter()
        db = open_database(settings)
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        migrate(db)
        migrate_s = time.perf_counter() - t0
        pool = db.pool
        samples: list[float] = []
        for _ in range(queries):
            t0 = time.perf_counter()
            with pool.connection() as conn:
                conn.execute("SELECT 1").fetchone()
            samples.append((time.perf_counter() - t0) * 1000)
        db.close()  # last handle: the server stops
        t0 = time.perf_counter()
        db = open_database(settings)
        warm = time.perf_counter() - t0
        db.close()
    return [
        _row("embedded start, cold (initdb + start)", cold, "s"),
        _row("embedded start, warm (existing data)", warm, "s"),
        _row("migrate empty database", migrate_s, "s"),
        _row("pooled SELECT 1 p50", statistics.median(samples), "ms", note=f"{queries} queries"),
        _row("pooled SELECT 1 p99", _percentile(samples, 0.99), "ms", note=f"{queries} queries"),
    ]


if __name__ == "__main__":
    for r in run(quick="--quick" in sys.argv):
        print(f"{r['metric']:45s} {r['value']:10.3f} {r['unit']}")
