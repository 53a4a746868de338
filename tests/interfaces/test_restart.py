"""A pending ticket survives a restart: one `quantdesk chat` process prepares it,
another (same database, same thread) approves it by hash and it executes once."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from quantdesk.db import migrate, open_database
from tests.conftest import make_settings, write_sol_tick
from tests.quantdesk.cli.cli_helpers import QUANTDESK, cli_env


def _chat(data: Path, tmp: Path, stdin: str) -> list[dict]:
    out = subprocess.run([*QUANTDESK, "chat", "--json", "--user", "alice", "--thread", "t-restart"], input=stdin,
                         env=cli_env(data), capture_output=True, text=True, timeout=180, cwd=tmp)
    assert out.returncode == 0, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()]


async def test_a_ticket_prepared_before_a_restart_is_approved_after_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with open_database(make_settings(data)) as db:
        migrate(db)
        await write_sol_tick(db)
        first = _chat(data, tmp_path, "long 2 SOL 5x\n")
        ticket = next(e for e in first if e["type"] == "ticket")["ticket"]
        assert ticket["summary"] == "Long 2 SOL-PERP at market, 5x"
        second = _chat(data, tmp_path, f"/approve {ticket['ticket_hash'][:12]}\nmy positions\n")
    execution = next(e for e in second if e["type"] == "execution")
    assert execution["ok"] is True and "Filled: bought 2 SOL-PERP" in execution["text"]
    assert "SOL-PERP long 2 @" in second[-1]["text"]
