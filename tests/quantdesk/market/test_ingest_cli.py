"""`quantdesk ingest run|status` as a user runs them: a real subprocess that
flushes everything on SIGTERM, and the status command reading the live port or,
when nothing answers, Postgres."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from quantdesk.cli import ingest_service
from quantdesk.db import Database
from quantdesk.ingest import IngestService, read_status
from quantdesk.market import FeedRegistry, ReplaySource, default_replay_dir
from tests.conftest import make_settings
from tests.quantdesk.cli.cli_helpers import QUANTDESK, cli_env
from tests.quantdesk.market.conftest import free_port


def _count(db: Database) -> int:
    with db.connect(autocommit=True) as conn:
        return int(conn.execute("SELECT count(*) FROM price_ticks").fetchone()[0])


@pytest.mark.slow
def test_sigterm_flushes_every_received_tick_before_exit(clean_market: Database, tmp_path: Path) -> None:
    port = free_port()
    # Batches so large and a flush interval so long that nothing is written before SIGTERM:
    # whatever reaches the table got there through the shutdown flush.
    env = cli_env(tmp_path / "data", DATABASE_URL=clean_market.url, QUANTDESK_INGEST_PORT=str(port),
                  QUANTDESK_REPLAY_SPEED="30", QUANTDESK_INGEST_BATCH_SIZE="100000",
                  QUANTDESK_INGEST_FLUSH_INTERVAL_MS="600000", QUANTDESK_LOG_FORMAT="json")
    proc = subprocess.Popen([*QUANTDESK, "ingest", "run"], env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        received = 0
        while received < 300:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            assert time.monotonic() < deadline, "the service did not start receiving"
            try:
                received = httpx.get(f"http://127.0.0.1:{port}/status", timeout=2).json()["ticks_received"]
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        assert _count(clean_market) == 0
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, out
    final = read_status(clean_market)
    assert final is not None and final.role == "stopped"
    assert final.ticks_received == final.ticks_written == _count(clean_market) >= received
    assert f"{final.ticks_received} ticks received, {final.ticks_written} written" in out


def test_ingest_service_spec_runs_the_ingest_command(tmp_path: Path) -> None:
    spec = ingest_service(make_settings(tmp_path))
    assert spec.name == "ingest" and spec.argv[1:] == ["-m", "quantdesk", "ingest", "run"]


def _cli(db: Database, tmp_path: Path, *args: str, port: int) -> tuple[int, str]:
    env = cli_env(tmp_path, DATABASE_URL=db.url, QUANTDESK_INGEST_PORT=str(port), COLUMNS="200")
    done = subprocess.run([*QUANTDESK, "ingest", "status", *args], env=env, cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)
    return done.returncode, done.stdout


@pytest.mark.slow
def test_status_says_when_the_service_never_ran(clean_market: Database, tmp_path: Path) -> None:
    code, out = _cli(clean_market, tmp_path, port=free_port())
    assert code == 1 and "has never run against this database" in out


@pytest.mark.slow
async def test_status_reads_the_live_port_then_postgres_after_stop(clean_market: Database, registry: FeedRegistry,
                                                                  tmp_path: Path) -> None:
    port = free_port()
    settings = make_settings(tmp_path, ingest_port=port, ingest_flush_interval_ms=50)
    service = IngestService(settings, conninfo=clean_market.url, registry=registry,
                            source=ReplaySource(list(registry), default_replay_dir(), speed=60))
    task = asyncio.create_task(service.run())
    while service.status().ticks_written < 30:
        await asyncio.sleep(0.05)
    code, live = await asyncio.to_thread(_cli, clean_market, tmp_path, port=port)
    service.request_stop()
    await asyncio.wait_for(task, 15)
    assert code == 0
    assert f"live from http://127.0.0.1:{port}" in live and "(leader)" in live
    assert "replay: derived from Binance 1m candles" in live and "closed" in live
    assert "SOL/USD" in live and "ok" in live

    code, table = await asyncio.to_thread(_cli, clean_market, tmp_path, port=port)
    assert code == 0 and "from Postgres (the service's port did not answer)" in table and "(stopped)" in table
    code, text = await asyncio.to_thread(_cli, clean_market, tmp_path, "--json", port=port)
    body = json.loads(text)
    assert code == 0 and body["role"] == "stopped" and body["source"] == "replay"
    assert body["ticks_written"] == _count(clean_market)
