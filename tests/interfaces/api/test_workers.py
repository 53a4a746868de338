"""Stateless workers: two `quantdesk api` processes on one database serve any
thread. A ticket made through one is approved through the other, a run
started on one resumes on the other, and turns of one thread sent to both at
once take turns."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from httpx_sse import connect_sse

from quantdesk.db import Database
from quantdesk.users import ApiKeyStore, UserStore
from tests.doubles.loopback import free_port
from tests.interfaces.api.conftest import own_database, store_prices
from tests.quantdesk.cli.cli_helpers import started

pytestmark = pytest.mark.slow


def wait_ready(base: str, proc: subprocess.Popen[str], timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"quantdesk api exited: {proc.communicate()[0]}"
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{base} did not become ready")


@pytest.fixture(scope="module")
def workers(database: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    """Two API processes on one database and one data dir (the traders' wallets); Alice's key.
    Prices are published an hour ahead: the processes' start-up may take longer than the
    30 s the program allows an oracle price to age."""
    data = tmp_path_factory.mktemp("workers") / "data"
    with own_database(database) as db:
        store_prices(db.url, publish_time=int(time.time()) + 3600)
        UserStore(db.pool).add("alice", None, by="test")
        key = ApiKeyStore(db.pool).create("alice").key
        ports = [free_port(), free_port()]
        env = {"QUANTDESK_DATABASE_URL": db.url, "QUANTDESK_PRICE_MAX_AGE_S": "3600", "QUANTDESK_LOG_LEVEL": "WARNING"}
        with started(data, "api", QUANTDESK_API_PORT=str(ports[0]), **env) as one, \
                started(data, "api", QUANTDESK_API_PORT=str(ports[1]), **env) as two:
            bases = [f"http://127.0.0.1:{port}" for port in ports]
            for base, proc in zip(bases, (one, two), strict=True):
                wait_ready(base, proc)
            yield bases[0], bases[1], key
            for proc in (one, two):
                proc.send_signal(signal.SIGTERM)
            for proc in (one, two):
                out, _ = proc.communicate(timeout=60)
                # uvicorn shuts down gracefully, then exits as the signal asks (128 + 15).
                assert proc.returncode in (0, 143, -signal.SIGTERM) and "Traceback" not in out, out


def test_a_ticket_made_through_one_worker_is_approved_through_the_other(workers: tuple[str, str, str]) -> None:
    first, second, key = workers
    auth = {"Authorization": f"Bearer {key}"}
    made = httpx.post(f"{first}/v1/threads/w-trade/runs", json={"message": "long 1 SOL 2x"}, headers=auth,
                      timeout=60).json()
    ticket = next(e["data"]["ticket"] for e in made["events"] if e["event"] == "ticket")
    assert httpx.get(f"{second}/v1/threads/w-trade", headers=auth).json()["pending_ticket"] == ticket
    approved = httpx.post(f"{second}/v1/tickets/{ticket['ticket_hash']}/approve", headers=auth, timeout=60)
    assert approved.status_code == 200 and approved.json()["status"] == "executed", approved.text
    [position] = httpx.get(f"{first}/v1/positions", headers=auth).json()["positions"]
    assert (position["market"], position["side"], position["size"]) == ("SOL-PERP", "long", "1")


def test_a_run_started_on_one_worker_resumes_on_the_other(workers: tuple[str, str, str]) -> None:
    first, second, key = workers
    auth = {"Authorization": f"Bearer {key}", "Accept": "text/event-stream"}
    with httpx.Client(headers=auth, timeout=60) as client:
        with connect_sse(client, "POST", f"{first}/v1/threads/w-resume/runs", json={"message": "price sol"}) as src:
            first_event = next(iter(src.iter_sse()))
        with connect_sse(client, "POST", f"{second}/v1/threads/w-resume/runs", json={"message": "price sol"},
                         headers={"Last-Event-ID": first_event.id}) as src:
            rest = [(e.event, json.loads(e.data)) for e in src.iter_sse()]
    assert first_event.event == "run_started"
    assert [name for name, _ in rest] == ["tool_call_start", "tool_call_end", "text_delta", "run_finished"]
    assert "SOL-PERP: $146.78" in rest[2][1]["delta"]
    history = httpx.get(f"{second}/v1/threads/w-resume", headers={"Authorization": f"Bearer {key}"}).json()
    assert [m["content"] for m in history["messages"] if m["role"] == "user"] == ["price sol"]


def test_turns_of_one_thread_sent_at_once_to_both_workers_take_turns(workers: tuple[str, str, str]) -> None:
    """Six orders at once on one thread, three through each worker: each turn runs alone, on the
    checkpoint the previous one left, so each new message cancels the ticket before it. Interleaved
    turns would each read the same paused checkpoint: several tickets left pending, messages lost."""
    first, second, key = workers
    auth = {"Authorization": f"Bearer {key}"}
    orders = [f"long {n} SOL 2x" for n in range(1, 7)]

    def send(n: int) -> dict:
        base = (first, second)[n % 2]
        return httpx.post(f"{base}/v1/threads/w-race/runs", json={"message": orders[n]}, headers=auth,
                          timeout=120).json()

    with ThreadPoolExecutor(len(orders)) as pool:
        runs = list(pool.map(send, range(len(orders))))
    hashes = [e["data"]["ticket"]["ticket_hash"] for run in runs for e in run["events"] if e["event"] == "ticket"]
    assert len(hashes) == len(orders), runs
    statuses = sorted(httpx.get(f"{first}/v1/tickets/{h}", headers=auth).json()["status"] for h in hashes)
    assert statuses == ["cancelled"] * 5 + ["pending"], statuses
    thread = httpx.get(f"{second}/v1/threads/w-race", headers=auth).json()
    assert sorted(m["content"] for m in thread["messages"] if m["role"] == "user") == sorted(orders)
    assert thread["pending_ticket"]["ticket_hash"] in hashes
