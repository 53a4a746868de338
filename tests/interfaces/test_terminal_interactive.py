"""The interactive terminal chat in a real pseudo-terminal: prompt, streamed
answer with tool activity, a ticket panel, /reject by hash prefix, /quit."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import time
from pathlib import Path

from quantdesk.db import migrate, open_database
from tests.conftest import make_settings, write_sol_tick
from tests.quantdesk.cli.cli_helpers import QUANTDESK, cli_env

ANSI = re.compile(r"\x1b\[[0-9;?]*[a-zA-Z]")


class Terminal:
    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path) -> None:
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env={**env, "COLUMNS": "160",
                                                                                          "TERM": "xterm"}, cwd=cwd)
        os.close(slave)
        self.screen = ""

    def read_until(self, text: str, timeout_s: float = 60) -> str:
        """Read until `text` (a regular expression) matches the screen; output
        arrives in pieces, so wait for the exact line the test needs next."""
        deadline = time.monotonic() + timeout_s
        pattern = re.compile(text)
        while not pattern.search(ANSI.sub("", self.screen)):
            assert time.monotonic() < deadline, f"{text!r} never appeared; screen:\n{ANSI.sub('', self.screen)}"
            ready, _, _ = select.select([self.master], [], [], 0.5)
            if ready:
                try:
                    self.screen += os.read(self.master, 65536).decode(errors="replace")
                except OSError:
                    break
        return ANSI.sub("", self.screen)

    def type(self, line: str) -> None:
        os.write(self.master, (line + "\r").encode())


async def test_interactive_chat_shows_tools_ticket_panel_and_takes_slash_commands(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with open_database(make_settings(data)) as db:
        migrate(db)
        await write_sol_tick(db, ahead_s=600)
        term = Terminal([*QUANTDESK, "chat", "--user", "alice", "--thread", "t-tty"], cli_env(data), tmp_path)
        try:
            screen = term.read_until("you ›")
            # Where it trades, like the web header; no ingest service runs here, and it says so.
            assert "PAPER paper venue · answers by offline parser (no LLM)" in screen
            assert "Replayed prices: derived from Binance 1m candles, not live Pyth" in screen
            assert "No prices are flowing" in screen and "quantdesk run" in screen
            term.type("help")
            screen = term.read_until("Commands MIKEY understands offline")
            term.read_until("search docs for funding")
            assert "## Trading" not in ANSI.sub("", term.screen) and "`long 2 SOL 5x`" not in ANSI.sub("", term.screen)
            term.type("price of sol")
            screen = term.read_until("quality ok")
            assert "· Price: done" in screen and "get_price" not in screen and "mikey ›" in screen
            term.type("long 2 SOL 5x")
            screen = term.read_until(r"Hash\s+[0-9a-f]{64}\s")
            found = re.search(r"Hash\s+([0-9a-f]{64})\s", screen)
            assert found, screen
            ticket_hash = found.group(1)
            assert "Long 2 SOL-PERP at market" in screen
            assert re.search(r"Leverage\s+5x", screen) and re.search(r"Fees\s+\$", screen)
            assert "prepare_order" not in screen and not re.search(r"\b\d+\.\d{6}\b", screen)
            term.type(f"/reject {ticket_hash[:10]}")
            term.read_until("was rejected: rejected by its owner")
            term.type("/quit")
            assert term.proc.wait(timeout=30) == 0
        finally:
            if term.proc.poll() is None:
                term.proc.kill()
