"""`quantdesk chat --json`: a script drives MIKEY through stdin/stdout, in a real
subprocess over the real database, with a price the real tick writer stored."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import psycopg

from interfaces.terminal import resolve_hash
from quantdesk.db import migrate, open_database
from quantdesk.ingest import TickWriter
from quantdesk.market import FeedRegistry, PriceUpdate
from tests.conftest import make_settings, write_sol_tick
from tests.quantdesk.cli.cli_helpers import QUANTDESK, cli_env


async def test_json_chat_answers_prices_and_refuses_typed_approvals(tmp_path: Path) -> None:
    data = tmp_path / "data"
    settings = make_settings(data)
    registry = FeedRegistry.load()
    now = int(time.time())
    with open_database(settings) as db:
        migrate(db)
        async with await psycopg.AsyncConnection.connect(db.url) as conn:
            await TickWriter(registry).write(conn, [PriceUpdate(
                feed_id=registry.get("SOL/USD").feed_id, price=14_250_000_000, conf=9_000_000, expo=-8,
                publish_time=now - 2, source="hermes")])
        stdin = "what's SOL doing?\n/approve 0123456789abcdef\nyes\n"
        out = subprocess.run([*QUANTDESK, "chat", "--json", "--user", "alice", "--thread", "t-json"], input=stdin,
                             env=cli_env(data), capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    events = [json.loads(line) for line in out.stdout.splitlines()]
    assert [e["type"] for e in events] == ["tool_call", "tool_result", "text", "error", "text"]
    assert events[0]["name"] == "get_price" and events[0]["args"] == {"market": "SOL-PERP"}
    assert "SOL-PERP: $142.50 ± $0.09" in events[2]["text"] and "quality ok" in events[2]["text"]
    assert events[3]["message"] == "no ticket is waiting for approval"
    assert "approval and confirmation never come from chat text" in events[4]["text"]


async def test_json_chat_refuses_oversized_numbers_with_their_limit_and_answers_the_next_line(
        tmp_path: Path) -> None:
    data = tmp_path / "data"
    with open_database(make_settings(data)) as db:
        migrate(db)
        await write_sol_tick(db)
        stdin = "long 99999999999999999999999 SOL\nlong 0.1 sol at 99999999999999999\nwhat's SOL doing?\n"
        out = subprocess.run([*QUANTDESK, "chat", "--json", "--user", "alice", "--thread", "t-big"], input=stdin,
                             env=cli_env(data), capture_output=True, text=True, timeout=180, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    events = [json.loads(line) for line in out.stdout.splitlines()]
    errors = [e["text"] for e in events if e["type"] == "tool_result" and e["status"] == "error"]
    assert len(errors) == 2
    assert "size must be at most 9,223,372,036.85 SOL" in errors[0]
    assert "price must be at most $10,000,000" in errors[1]
    assert not any(e["type"] == "ticket" for e in events)
    assert "SOL-PERP: $150.00" in events[-1]["text"]


def test_a_hash_prefix_resolves_only_to_the_pending_tickets_full_hash() -> None:
    pending = {"ticket_hash": "ab" * 32}
    assert resolve_hash("abababab", pending) == "ab" * 32
    assert resolve_hash("ABABABAB", pending) == "ab" * 32
    assert resolve_hash("abab", pending) is None  # too short to be an explicit choice
    assert resolve_hash("abababac", pending) is None
    assert resolve_hash("abababab", None) is None
