"""The database goes away and comes back while MIKEY runs: a restart between two
messages is invisible, a message while it is down gets one clear error (never a
traceback, never a half-done trade) and the same session answers again once it
is back, without restarting the process."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psycopg
import pytest
import pytest_asyncio

from agent import ChatEvent, ChatSession
from interfaces import open_mikey
from quantdesk.ingest import TickWriter
from quantdesk.market import FeedRegistry, PriceUpdate
from tests.agent.graph.conftest import collect
from tests.conftest import make_settings
from tests.quantdesk.cli.cli_helpers import QUANTDESK, cli_env
from tests.restartable_postgres import RestartablePostgres

pytestmark = pytest.mark.slow

UNAVAILABLE = "the database is unavailable; your message was not processed, try again"


@pytest.fixture
def postgres(tmp_path: Path) -> Iterator[RestartablePostgres]:
    server = RestartablePostgres(tmp_path / "pg")
    try:
        yield server
    finally:
        server.close()


async def _store_sol_price(url: str) -> None:
    registry = FeedRegistry.load()
    async with await psycopg.AsyncConnection.connect(url) as conn:
        await TickWriter(registry).write(conn, [PriceUpdate(
            feed_id=registry.get("SOL/USD").feed_id, price=15_000_000_000, conf=5_000_000, expo=-8,
            publish_time=int(time.time()), source="hermes")])


# The test's own loop: the pools' reconnecting workers are tasks of the loop they were
# opened in, and the session loop (the default for async fixtures) is idle during a test.
@pytest_asyncio.fixture(loop_scope="function")
async def session(postgres: RestartablePostgres, tmp_path: Path) -> AsyncIterator[ChatSession]:
    """MIKEY opened on the test's own server (as DATABASE_URL), with a SOL price stored."""
    settings = make_settings(tmp_path / "data", database_url=postgres.url, price_max_age_s=3600)
    async with open_mikey(settings) as mikey:
        await _store_sol_price(postgres.url)
        yield mikey.session


def _answered(events: list[ChatEvent]) -> str:
    assert [e.type for e in events][-1] == "text", [e.to_json() for e in events]
    return str(events[-1].data["text"])


async def _price(session: ChatSession) -> list[ChatEvent]:
    return await collect(session.send("t-db", "alice", "price sol"))


async def test_the_chat_survives_a_database_restart_and_an_outage(postgres: RestartablePostgres,
                                                                  session: ChatSession) -> None:
    assert "SOL-PERP: $150.00" in _answered(await _price(session))
    postgres.restart()  # every pooled connection is now dead
    assert "SOL-PERP: $150.00" in _answered(await _price(session))
    postgres.stop()
    for _ in range(2):  # one clear error per message, for as long as it stays away
        assert [e.to_json() for e in await _price(session)] == [{"type": "error", "message": UNAVAILABLE}]
    postgres.start()
    assert "SOL-PERP: $150.00" in _answered(await _price(session))


def _signatures(url: str, ticket_hash: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM audit_log WHERE ticket_hash = %s AND event = 'signature'",
                           (ticket_hash,)).fetchone()
    assert row is not None
    return int(row[0])


async def test_an_approval_during_an_outage_does_nothing_and_works_once_it_is_back(
        postgres: RestartablePostgres, session: ChatSession) -> None:
    events = await collect(session.send("t-trade", "alice", "long 2 SOL 5x"))
    ticket = next(e for e in events if e.type == "ticket").data["ticket"]
    postgres.stop()
    refused = await collect(session.approve("t-trade", "alice", ticket["ticket_hash"]))
    assert [e.to_json() for e in refused] == [
        {"type": "error", "message": "the database is unavailable; your approval was not processed, try again"}]
    postgres.start()
    assert _signatures(postgres.url, ticket["ticket_hash"]) == 0
    approved = await collect(session.approve("t-trade", "alice", ticket["ticket_hash"]))
    execution = next(e for e in approved if e.type == "execution")
    assert execution.data["ok"] is True and "Filled: bought 2 SOL-PERP" in execution.data["text"]
    assert _signatures(postgres.url, ticket["ticket_hash"]) == 1


class _JsonChat:
    """`quantdesk chat --json` in a subprocess, one turn at a time."""

    def __init__(self, data: Path, url: str, cwd: Path) -> None:
        self.stderr = (cwd / "chat.stderr").open("w")  # a file: an unread pipe would fill and block the chat
        self.proc = subprocess.Popen([*QUANTDESK, "chat", "--json", "--user", "alice", "--thread", "t-cli"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr,
                                     text=True, env=cli_env(data, DATABASE_URL=url), cwd=cwd)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def turn(self, text: str) -> dict:
        """Send a line; return the turn's last event (an answer or an error)."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()
        while True:
            event = json.loads(self.lines.get(timeout=120))
            if event["type"] in ("text", "error"):
                return event

    def idle(self) -> None:
        """Wait until the last turn has finished (its answer comes before its last checkpoint is
        written). The chat reads its next line only then, and a bare /approve is answered last."""
        assert self.turn("/approve 0") == {"type": "error", "message": "no ticket is waiting for approval"}


def test_json_chat_reports_an_outage_and_answers_again_without_exiting(postgres: RestartablePostgres,
                                                                       tmp_path: Path) -> None:
    chat = _JsonChat(tmp_path / "data", postgres.url, tmp_path)
    try:
        assert chat.turn("price sol")["type"] == "text"  # (no tick yet: a plain answer saying so)
        chat.idle()
        postgres.restart()
        assert chat.turn("price sol")["type"] == "text"
        chat.idle()
        postgres.stop()
        assert chat.turn("price sol") == {"type": "error", "message": UNAVAILABLE}
        assert chat.turn("/approve 0123456789abcdef") == {
            "type": "error", "message": "the database is unavailable; your request was not processed, try again"}
        assert chat.proc.poll() is None  # still running
        postgres.start()
        assert chat.turn("price sol")["type"] == "text"
        assert chat.proc.stdin is not None
        chat.proc.stdin.close()
        assert chat.proc.wait(timeout=60) == 0, (tmp_path / "chat.stderr").read_text()[-2000:]
    finally:
        if chat.proc.poll() is None:
            chat.proc.kill()
        chat.stderr.close()
