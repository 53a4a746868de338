"""The chat API's own cost: the same turns through ``POST /v1/threads/{id}/runs``
(SSE, a real `quantdesk api` process on loopback) and through ``ChatSession``
in-process, and a load run from a second process.

Turns (rules model, a fresh thread each): a read-only question ("price of sol")
and a trade up to its ticket ("long 2 SOL 5x"). Measured from the request's start
to the first content (the first ``text_delta``; for the trade, whose rules reply
is the ticket itself, the ``ticket`` event) and to ``run_finished`` (in-process:
the same events from ``ChatSession.send``). The load run is N concurrent clients
(one key each) sending read-only runs for a bounded time.

The benchmark server gets a rate limit high enough not to refuse the load run
(the limit is per key; the point is the API's throughput, not the limiter's).

    python benchmarks/bench_api.py [--quick]
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

NAME = "api"
READ, TRADE = "price of sol", "long 2 SOL 5x"
TURNS = (("read-only", READ, "text_delta", "text"), ("trade to ticket", TRADE, "ticket", "ticket"))
SSE = {"Accept": "text/event-stream"}


def _row(metric: str, value: float, unit: str, target: str = "", ok: bool | None = None, note: str = "") -> dict:
    return {"benchmark": NAME, "metric": metric, "value": value, "unit": unit, "target": target, "ok": ok,
            "note": note}


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000


async def _in_process(settings: Any, n: int) -> dict[str, tuple[list[float], list[float]]]:
    """Per turn kind: time to the first content event and to the end, through ChatSession."""
    from interfaces import open_mikey

    results: dict[str, tuple[list[float], list[float]]] = {}
    async with open_mikey(settings) as mikey:
        async for _ in mikey.session.send("warm-in-process", "bench", READ):
            pass
        for label, text, _api_event, chat_event in TURNS:
            firsts, ends = [], []
            for i in range(n):
                started, first, seen = time.perf_counter(), None, []
                async for event in mikey.session.send(f"in-process-{label}-{i}", "bench", text):
                    seen.append(event.to_json())
                    if first is None and event.type == chat_event:
                        first = _ms(started)
                assert first is not None, f"no {chat_event} event in an in-process {label} turn: {seen}"
                firsts.append(first)
                ends.append(_ms(started))
            results[label] = (firsts, ends)
    return results


def _sse_turn(client: Any, thread: str, text: str, first_event: str) -> tuple[float, float]:
    started, first, end, current, lines = time.perf_counter(), None, None, None, []
    with client.stream("POST", f"/v1/threads/{thread}/runs", json={"message": text}, headers=SSE) as response:
        response.raise_for_status()
        for line in response.iter_lines():
            lines.append(line)
            if line.startswith("event: "):
                current = line[7:]
            elif line.startswith("data: "):
                if current == first_event and first is None:
                    first = _ms(started)
                if current == "run_finished":
                    end = _ms(started)
    assert first is not None and end is not None, f"no {first_event} or run_finished in an API {text!r} run: {lines}"
    return first, end


def _through_api(base: str, key: str, n: int) -> dict[str, tuple[list[float], list[float]]]:
    import httpx

    results: dict[str, tuple[list[float], list[float]]] = {}
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=60) as client:
        _sse_turn(client, "warm-api", READ, "text_delta")
        for label, text, api_event, _chat_event in TURNS:
            samples = [_sse_turn(client, f"api-{label.replace(' ', '-')}-{i}", text, api_event) for i in range(n)]
            results[label] = ([s[0] for s in samples], [s[1] for s in samples])
    return results


async def _load(base: str, keys: list[str], seconds: float) -> dict[str, Any]:
    """N clients (one per key) sending read-only runs back to back until the time is up."""
    import httpx

    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    errors: list[str] = []

    async def client(i: int, key: str) -> None:
        async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=60) as http:
            j = 0
            while time.monotonic() < deadline:
                started = time.perf_counter()
                try:
                    response = await http.post(f"/v1/threads/load-{i}-{j}/runs", json={"message": READ})
                    if response.status_code != 200 or response.json()["outcome"] != "success":
                        errors.append(f"{response.status_code} {response.text[:120]}")
                except httpx.HTTPError as exc:
                    errors.append(type(exc).__name__)
                latencies.append(_ms(started))
                j += 1

    started = time.perf_counter()
    await asyncio.gather(*(client(i, key) for i, key in enumerate(keys)))
    wall = time.perf_counter() - started
    return {"requests": len(latencies), "wall_s": wall, "p50": statistics.median(latencies),
            "p99": _pct(latencies, 0.99), "errors": len(errors), "first_errors": errors[:3]}


async def _store_prices(url: str) -> None:
    import psycopg

    from quantdesk.ingest import TickWriter
    from quantdesk.market import FeedRegistry, PriceUpdate

    registry = FeedRegistry.load()
    ticks = [PriceUpdate(feed_id=registry.get(symbol).feed_id, price=price, conf=price // 10_000, expo=-8,
                         publish_time=int(time.time()) + 3600, source="hermes")  # fresh for the whole run
             for symbol, price in (("SOL/USD", 15_000_000_000), ("BTC/USD", 9_500_000_000_000),
                                   ("ETH/USD", 350_000_000_000))]
    async with await psycopg.AsyncConnection.connect(url) as conn:
        await TickWriter(registry).write(conn, ticks)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(base: str, proc: subprocess.Popen[bytes], timeout_s: float = 120) -> None:
    import httpx

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"quantdesk api exited with code {proc.returncode}")
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError("quantdesk api did not become ready")


def _turn_rows(label: str, api: tuple[list[float], list[float]], local: tuple[list[float], list[float]],
               n: int) -> list[dict]:
    first, end = api
    first_in, end_in = local
    content = "first text byte" if label == "read-only" else "ticket event"
    read_only = label == "read-only"
    rows = [
        _row(f"API {label}: {content} p50", statistics.median(first), "ms", "< 50 ms" if read_only else "",
             statistics.median(first) < 50 if read_only else None, f"{n} runs over SSE"),
        _row(f"API {label}: {content} p95", _pct(first, 0.95), "ms", "< 150 ms" if read_only else "",
             _pct(first, 0.95) < 150 if read_only else None),
        _row(f"API {label}: run_finished p50 / p95", statistics.median(end), "ms",
             note=f"p95 {_pct(end, 0.95):.1f} ms"),
        _row(f"in-process {label}: {content} p50 / p95", statistics.median(first_in), "ms",
             note=f"p95 {_pct(first_in, 0.95):.1f} ms; ChatSession.send"),
        _row(f"in-process {label}: end p50 / p95", statistics.median(end_in), "ms",
             note=f"p95 {_pct(end_in, 0.95):.1f} ms"),
    ]
    ratio = statistics.median(end) / statistics.median(end_in)
    rows.append(_row(f"API / in-process {label}, p50 to the end", ratio, "x", "≤ 1.5x", ratio <= 1.5))
    return rows


def run(quick: bool = False) -> list[dict]:
    import httpx  # noqa: F401  (fail early if the dev extra is missing)

    from quantdesk.config import Settings
    from quantdesk.db import migrate, open_database
    from quantdesk.users import ApiKeyStore, UserStore

    n, clients, seconds = (30, 32, 3.0) if quick else (200, 32, 10.0)
    load_before = os.getloadavg()[0]
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="qd-bench-api-") as tmp:
        settings = Settings(_env_file=None, data_dir=Path(tmp), price_max_age_s=86_400)  # type: ignore[call-arg]
        with open_database(settings) as db:
            migrate(db)
            asyncio.run(_store_prices(db.url))
            UserStore(db.pool).add("bench", None, by="bench")
            keys = [ApiKeyStore(db.pool).create("bench").key for _ in range(clients + 1)]
            # By URL, as the API process connects: this process's embedded server stays this block's.
            by_url = Settings(_env_file=None, data_dir=Path(tmp), price_max_age_s=86_400,  # type: ignore[call-arg]
                              database_url=db.url)
            local = asyncio.run(_in_process(by_url, n))
            port = _free_port()
            base = f"http://127.0.0.1:{port}"
            env = {**{k: v for k, v in os.environ.items() if not k.startswith("QUANTDESK_")},
                   "QUANTDESK_DATA_DIR": tmp, "QUANTDESK_DATABASE_URL": db.url, "QUANTDESK_API_PORT": str(port),
                   "QUANTDESK_PRICE_MAX_AGE_S": "86400", "QUANTDESK_LOG_LEVEL": "WARNING",
                   "QUANTDESK_API_RATE_PER_S": "100000", "QUANTDESK_API_RATE_BURST": "100000"}
            server = subprocess.Popen([sys.executable, "-m", "quantdesk", "api"], env=env, cwd=tmp)
            try:
                _wait_ready(base, server)
                api = _through_api(base, keys[0], n)
                loader = subprocess.run([sys.executable, __file__, "--load", base, str(seconds), *keys[1:]],
                                        capture_output=True, text=True, timeout=seconds + 120, check=True)
                load = json.loads(loader.stdout.strip().splitlines()[-1])
            finally:
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=60)
    for label, *_ in TURNS:
        rows.extend(_turn_rows(label, api[label], local[label], n))
    note = (f"{clients} clients for {load['wall_s']:.0f} s from a second process; {load['requests']} runs; "
            f"machine load average {load_before:.1f} before / {os.getloadavg()[0]:.1f} after")
    rows.append(_row(f"load: read-only runs/s, {clients} clients", load["requests"] / load["wall_s"], "req/s",
                     note=note))
    rows.append(_row("load: latency p50 / p99", load["p50"], "ms", note=f"p99 {load['p99']:.0f} ms"))
    rows.append(_row(f"load: errors, {clients} clients", float(load["errors"]), "requests", "0",
                     load["errors"] == 0, "; ".join(load["first_errors"])))
    return rows


if __name__ == "__main__":
    if sys.argv[1:2] == ["--load"]:
        print(json.dumps(asyncio.run(_load(sys.argv[2], sys.argv[4:], float(sys.argv[3])))))
    else:
        for r in run(quick="--quick" in sys.argv):
            print(f"{r['metric']:50s} {r['value']:10.3f} {r['unit']:9s} {r['target']:8s} "
                  f"{'' if r['ok'] is None else r['ok']}  {r['note']}")
