"""The embedded PostgreSQL is stopped by whoever releases it last, whichever
process started the postmaster now running and even if another holder was
killed without releasing; and its owner can start it again after a crash."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from quantdesk.config import Settings
from quantdesk.db import open_database, read_postmaster
from quantdesk.errors import DatabaseError
from tests.conftest import make_settings
from tests.quantdesk.cli.cli_helpers import cli_env, postmasters

HOLD = ("from quantdesk.config import load_settings\n"
        "from quantdesk.db import open_database\n"
        "import time\n"
        "with open_database(load_settings()) as db:\n"
        "    print('up', flush=True)\n"
        "    time.sleep({seconds})\n")


@pytest.fixture
def data(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "data"
    for leftover in postmasters(tmp_path / "data" / "pg"):  # never leak a server into the rest of the suite
        leftover.kill()


def _holder(data: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process holding a handle on the embedded server for ``seconds``."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD.format(seconds=seconds)], env=cli_env(data), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "up", proc.stderr.read() if proc.stderr else ""
    return proc


def _kill_postmaster(settings: Settings) -> int:
    info = read_postmaster(settings.embedded_db_dir)
    assert info is not None and info.is_running()
    os.kill(info.pid, signal.SIGKILL)
    psutil.wait_procs([info.process], timeout=10)
    return info.pid


def _assert_stopped(data: Path) -> None:
    _, alive = psutil.wait_procs(postmasters(data / "pg"), timeout=10)
    assert alive == [], f"postgres still running for {data / 'pg'}: {alive}"


def test_a_holder_killed_without_releasing_does_not_keep_the_server_up(data: Path) -> None:
    holder = _holder(data, 60)
    holder.kill()  # SIGKILL: its pid stays on pgserver's handle list
    holder.communicate()
    db = open_database(make_settings(data))
    assert db.embedded is not None and db.embedded.was_running
    db.close()
    _assert_stopped(data)


def test_the_last_release_stops_a_postmaster_another_process_started_after_a_crash(data: Path) -> None:
    settings = make_settings(data)
    db = open_database(settings)
    _kill_postmaster(settings)
    # Another process finds no server, starts one, and leaves it to the remaining holder (us).
    restarter = subprocess.run([sys.executable, "-c", HOLD.format(seconds=0)], env=cli_env(data), text=True,
                               capture_output=True, timeout=60)
    assert restarter.returncode == 0, restarter.stderr
    assert postmasters(data / "pg"), "the other process's server outlives it while we hold a handle"
    db.close()
    _assert_stopped(data)


def test_the_owner_starts_a_killed_server_again(data: Path) -> None:
    settings = make_settings(data)
    with open_database(settings) as db:
        assert db.embedded is not None
        assert db.embedded.ensure_running() is False, "nothing to do while it runs"
        killed = _kill_postmaster(settings)
        deadline = time.monotonic() + 30
        while True:  # the killed server's backends may hold its shared memory for a moment
            try:
                assert db.embedded.ensure_running() is True
                break
            except DatabaseError:
                assert time.monotonic() < deadline, "the server did not start again"
                time.sleep(0.5)
        with db.connect(autocommit=True) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
        assert [p.pid for p in postmasters(data / "pg")] != [killed]
    _assert_stopped(data)


_PID_FILE = ["{pid}", "/data/pg", "1796149602", "5432", "/tmp", "localhost", " 11428642    917548", "ready"]


def _write_pid_file(pgdata: Path, pid: int, lines: int) -> None:
    pgdata.mkdir(parents=True, exist_ok=True)
    (pgdata / "postmaster.pid").write_text("\n".join(_PID_FILE[:lines]).format(pid=pid) + "\n")


def test_a_postmaster_file_caught_half_written_is_read_once_whole(tmp_path: Path) -> None:
    # PostgreSQL adds the status line last; pgserver's reader failed on the 7-line file (a CI run).
    import threading

    pgdata = tmp_path / "pg"
    _write_pid_file(pgdata, os.getpid(), 7)
    finish = threading.Timer(0.3, _write_pid_file, (pgdata, os.getpid(), 8))
    finish.start()
    try:
        info = read_postmaster(pgdata)
    finally:
        finish.join()
    assert info is not None and info.pid == os.getpid() and info.status == "ready"


def test_a_half_written_postmaster_file_of_a_dead_process_is_no_server(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    _write_pid_file(tmp_path / "pg", dead.pid, 6)
    assert read_postmaster(tmp_path / "pg") is None
    assert read_postmaster(tmp_path / "nothing") is None


def test_a_postmaster_file_that_never_completes_is_a_clear_error(tmp_path: Path) -> None:
    _write_pid_file(tmp_path / "pg", os.getpid(), 7)
    with pytest.raises(DatabaseError, match="did not finish writing postmaster.pid"):
        read_postmaster(tmp_path / "pg", settle_s=0.3)
