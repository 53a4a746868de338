"""The paper CLI and the chat act on one trader's wallet: money from `quantdesk faucet`
is what the chat trades with, and `quantdesk positions` shows what the chat opened.
Real subprocesses (`quantdesk chat --json` driven line by line) on a real database."""

from __future__ import annotations

import json
import re
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from quantdesk.db import migrate, open_database
from tests.conftest import make_settings, write_sol_tick
from tests.quantdesk.cli.cli_helpers import QUANTDESK, cli_env, quantdesk


class Chat:
    """`quantdesk chat --json` as a script drives it: one line in, events out."""

    def __init__(self, data: Path, *args: str, **env: str) -> None:
        self._log = (data.parent / "chat.stderr").open("w")
        self.proc = subprocess.Popen([*QUANTDESK, "chat", "--json", *args], env=cli_env(data, **env),
                                     cwd=data.parent, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self._log, text=True)

    def say(self, line: str, until: str) -> list[dict[str, Any]]:
        """Send a line; the events up to and including the first of type ``until``."""
        stdin, stdout = self._pipes()
        stdin.write(line + "\n")
        stdin.flush()
        events: list[dict[str, Any]] = []
        while not events or events[-1]["type"] != until:
            raw = stdout.readline()
            assert raw, f"chat ended before a {until!r} event; got {events}"
            events.append(json.loads(raw))
        return events

    def _pipes(self) -> tuple[IO[str], IO[str]]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        return self.proc.stdin, self.proc.stdout

    def close(self) -> int:
        self._pipes()[0].close()
        code = self.proc.wait(timeout=60)
        self._log.close()
        return code


async def _fresh_sol_price(data: Path) -> None:
    with open_database(make_settings(data)) as db:
        migrate(db)
        await write_sol_tick(db, ahead_s=600)


def _chat_account(chat: Chat) -> tuple[Decimal, Decimal]:
    """(free collateral, margin locked) as the chat's get_account reports them."""
    text = chat.say("my account", until="text")[-1]["text"]
    found = re.search(r"free \$([0-9,.]+), margin locked \$([0-9,.]+)", text)
    assert found, text
    return Decimal(found.group(1).replace(",", "")), Decimal(found.group(2).replace(",", ""))


def _cli_account(out: str) -> tuple[Decimal, Decimal]:
    found = re.search(r"free collateral ([0-9,.]+) USDC; margin locked ([0-9,.]+)", out)
    assert found, out
    return (Decimal(found.group(1).replace(",", "")).quantize(Decimal("0.01")),
            Decimal(found.group(2).replace(",", "")).quantize(Decimal("0.01")))


async def test_faucet_money_is_what_the_chat_trades_with_and_positions_shows_the_chats_position(
        tmp_path: Path) -> None:
    data = tmp_path / "data"
    await _fresh_sol_price(data)
    funded = quantdesk(data, "faucet", "1000", "--user", "alice", COLUMNS="200")
    assert funded.returncode == 0, funded.stderr
    assert "created the paper wallet of alice" in funded.stdout and "free collateral now 1,000" in funded.stdout

    chat = Chat(data, "--user", "alice", "--thread", "t-alice")
    try:
        # The chat sees the faucet's 1,000 (a wallet of its own would have got the 10,000 welcome).
        assert _chat_account(chat) == (Decimal("1000.00"), Decimal("0.00"))
        ticket = chat.say("long 2 SOL 5x", until="ticket")[-1]["ticket"]
        executed = chat.say(f"/approve {ticket['ticket_hash']}", until="execution")[-1]
        assert executed["ok"], executed
        in_chat = _chat_account(chat)
    finally:
        assert chat.close() == 0

    positions = quantdesk(data, "positions", "--user", "alice", COLUMNS="200")
    assert positions.returncode == 0, positions.stderr
    assert "positions of alice" in positions.stdout
    assert re.search(r"SOL-PERP\s*│\s*long\s*│\s*2\b", positions.stdout), positions.stdout
    assert _cli_account(positions.stdout) == in_chat
    assert in_chat[1] > 0 and in_chat[0] < Decimal(1000)


async def test_faucet_positions_and_chat_default_to_the_same_local_trader(tmp_path: Path) -> None:
    data = tmp_path / "data"
    login = {"LOGNAME": "carol", "USER": "carol", "COLUMNS": "200"}
    funded = quantdesk(data, "faucet", "1000", **login)
    assert funded.returncode == 0, funded.stderr
    chat = Chat(data, **login)
    try:
        assert _chat_account(chat) == (Decimal("1000.00"), Decimal("0.00"))
    finally:
        assert chat.close() == 0
    assert "for carol" in funded.stdout
    positions = quantdesk(data, "positions", **login)
    assert positions.returncode == 0, positions.stderr
    assert "positions of carol" in positions.stdout
    assert _cli_account(positions.stdout) == (Decimal("1000.00"), Decimal("0.00"))
