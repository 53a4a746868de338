"""`quantdesk run` end to end: database up and migrated, web chat serving, status
visible from another process, one Ctrl-C stops everything."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import psutil
import pytest

from quantdesk.db import read_postmaster
from tests.quantdesk.cli.cli_helpers import postmasters, quantdesk, started


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, proc: subprocess.Popen[str], timeout_s: float = 90) -> httpx.Response:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"quantdesk run exited early:\n{proc.stdout.read() if proc.stdout else ''}"
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {timeout_s}s")


@pytest.mark.slow
def test_run_brings_up_database_and_web_chat_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    data = tmp_path / "data"
    port = _free_port()
    with started(data, "run", QUANTDESK_WEB_PORT=str(port), QUANTDESK_INGEST_PORT=str(_free_port())) as proc:
        page = _wait_http(f"http://127.0.0.1:{port}/", proc)
        assert page.status_code == 200
        status = quantdesk(data, "db", "status", COLUMNS="200")
        assert status.returncode == 0, status.stderr
        assert "embedded PostgreSQL 16" in status.stdout and "(running)" in status.stdout
        assert "0 pending" in status.stdout
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    assert "MIKEY is up" in out and "stopped" in out
    info = read_postmaster(data / "pg")
    assert info is None or not info.is_running(), "the embedded server stops with `quantdesk run`"


def _running_postmaster(pgdata: Path) -> int | None:
    info = read_postmaster(pgdata)
    return info.pid if info is not None and info.is_running() and info.status == "ready" else None


@pytest.mark.slow
def test_stopping_run_after_the_postmaster_was_killed_leaves_no_postgres_behind(tmp_path: Path) -> None:
    data, port = tmp_path / "data", _free_port()
    pgdata = data / "pg"
    try:
        with started(data, "run", "--no-web", QUANTDESK_INGEST_PORT=str(port), QUANTDESK_REPLAY_SPEED="30") as proc:
            _kill_postmaster_and_wait_for_restart(proc, pgdata, port)
            proc.send_signal(signal.SIGTERM)
            out, _ = proc.communicate(timeout=60)
        _, left = psutil.wait_procs(postmasters(pgdata), timeout=10)  # a server shutting down gets time to exit
    finally:
        for leftover in postmasters(pgdata):  # never leak a server into the rest of the suite
            leftover.kill()
    assert proc.returncode == 0, out
    assert left == [], f"postgres still running for {pgdata}: {left}\n{out}"


def _kill_postmaster_and_wait_for_restart(proc: subprocess.Popen[str], pgdata: Path, port: int) -> None:
    """Once the services are up, SIGKILL the postmaster; return when a new one serves them."""
    _wait_http(f"http://127.0.0.1:{port}/status", proc)
    killed = _running_postmaster(pgdata)
    assert killed is not None
    os.kill(killed, signal.SIGKILL)
    # Things restart: a new server comes up and the services use it.
    deadline = time.monotonic() + 90
    while True:
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
        assert time.monotonic() < deadline, "no new postmaster served the services after the kill"
        restarted = _running_postmaster(pgdata)
        if restarted not in (None, killed) and _ingest_healthy(port):
            break
        time.sleep(0.5)


def _ingest_healthy(port: int) -> bool:
    """The ingest service answers, leads, and reports no database error."""
    try:
        status = httpx.get(f"http://127.0.0.1:{port}/status", timeout=2).json()
    except (httpx.TransportError, ValueError):
        return False
    return status["role"] == "leader" and status["last_error"] is None
