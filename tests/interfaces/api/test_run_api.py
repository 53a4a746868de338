"""The README's walk-through, as a newcomer runs it: `quantdesk run` (embedded
Postgres, replayed prices flowing, the chat API under its supervisor), a key
from `quantdesk api-key create`, then a price, a trade and its approval, and a
streaming openai client call with a thread header."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import httpx
import pytest
from openai import OpenAI

from tests.doubles.loopback import free_port
from tests.quantdesk.cli.cli_helpers import quantdesk, started

pytestmark = pytest.mark.slow


def test_quantdesk_run_serves_the_chat_api_end_to_end(tmp_path: Path) -> None:
    data, port = tmp_path / "data", free_port()
    base = f"http://127.0.0.1:{port}"
    ports = {"QUANTDESK_API_PORT": str(port), "QUANTDESK_INGEST_PORT": str(free_port())}
    with started(data, "run", "--no-web", **ports) as run:
        deadline = time.monotonic() + 180
        while True:  # ready: the database answers and replayed prices are fresh
            assert run.poll() is None and time.monotonic() < deadline, "the chat API never became ready"
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        assert quantdesk(data, "user", "add", "alice", "--no-password").returncode == 0
        made = quantdesk(data, "api-key", "create", "--user", "alice")
        assert made.returncode == 0, made.stderr
        key = made.stdout.splitlines()[0]
        auth = {"Authorization": f"Bearer {key}"}
        price = httpx.get(f"{base}/v1/prices/SOL", headers=auth).json()
        assert price["quality"] == "ok" and price["source"] == "replay"
        run_body = httpx.post(f"{base}/v1/threads/demo/runs", json={"message": "long 1 SOL 2x"}, headers=auth,
                              timeout=60).json()
        ticket = next(e["data"]["ticket"] for e in run_body["events"] if e["event"] == "ticket")
        approved = httpx.post(f"{base}/v1/tickets/{ticket['ticket_hash']}/approve", headers=auth, timeout=60)
        assert approved.json()["status"] == "executed", approved.text
        assert httpx.get(f"{base}/v1/positions", headers=auth).json()["positions"][0]["size"] == "1"
        with OpenAI(api_key=key, base_url=f"{base}/v1", max_retries=0) as client:
            chunks = list(client.chat.completions.create(
                model="mikey", stream=True, messages=[{"role": "user", "content": "my positions"}],
                extra_headers={"X-Mikey-Thread-Id": "voice-demo"}))
        assert "SOL-PERP long 1" in "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
        run.send_signal(signal.SIGINT)
        out, _ = run.communicate(timeout=60)
    assert run.returncode == 0, out
    assert f"chat API: http://127.0.0.1:{port}" in out and "stopped" in out
