"""`quantdesk run` refuses, with one `error:` line, what would otherwise start a
second set of services: another run on the same data dir, or a port one of its
services must bind that something else already holds. Real processes on
ephemeral ports."""

from __future__ import annotations

import signal
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from quantdesk.db import Database
from tests.doubles.loopback import free_port
from tests.quantdesk.cli.cli_helpers import QUANTDESK, cli_env, started, url_form
from tests.quantdesk.cli.test_run import _wait_http


@contextmanager
def _listening() -> Iterator[int]:
    """A port something else is listening on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def _refused(out: subprocess.CompletedProcess[str]) -> str:
    assert out.returncode == 2, out.stdout + out.stderr
    assert "MIKEY is up" not in out.stdout
    assert "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), out.stderr
    return lines[0]


def _run(data: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*QUANTDESK, "run", *args], env=cli_env(data, COLUMNS="300", **env), cwd=data.parent,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.slow
def test_a_second_run_on_the_same_data_dir_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    port = free_port()
    with started(data, "run", "--no-web", QUANTDESK_INGEST_PORT=str(port)) as first:
        _wait_http(f"http://127.0.0.1:{port}/status", first)
        second = _run(data, "--no-web", QUANTDESK_INGEST_PORT=str(free_port()))
        line = _refused(second)
        assert f"another `quantdesk run` (pid {first.pid}) is already using the data dir {data}" in line
        assert "QUANTDESK_DATA_DIR" in line
        assert first.poll() is None, "the first run is untouched"
        _wait_http(f"http://127.0.0.1:{port}/status", first, timeout_s=10)
        first.send_signal(signal.SIGINT)
        out, _ = first.communicate(timeout=60)
    assert first.returncode == 0, out


@pytest.mark.parametrize(("setting", "args"), [("QUANTDESK_INGEST_PORT", ("--no-web",)),
                                               ("QUANTDESK_WEB_PORT", ("--no-ingest",))])
def test_run_with_a_busy_port_names_the_port_and_its_setting(tmp_path: Path, setting: str,
                                                             args: tuple[str, ...]) -> None:
    with _listening() as busy:
        ports = {"QUANTDESK_INGEST_PORT": str(free_port()), "QUANTDESK_WEB_PORT": str(free_port()), setting: str(busy)}
        line = _refused(_run(tmp_path / "data", *args, **ports))
    assert f"port {busy} on 127.0.0.1 is already in use ({setting})" in line


def test_ingest_run_with_a_busy_status_port_is_one_error_line(fresh_database: Database, tmp_path: Path) -> None:
    with _listening() as busy:
        out = subprocess.run([*QUANTDESK, "ingest", "run"], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                             env=cli_env(tmp_path / "data", COLUMNS="300", DATABASE_URL=url_form(fresh_database.url),
                                         QUANTDESK_INGEST_PORT=str(busy)))
    assert out.returncode == 2, out.stdout + out.stderr
    assert "Traceback" not in out.stderr
    errors = [line for line in out.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [f"error: port {busy} on 127.0.0.1 is already in use (QUANTDESK_INGEST_PORT): stop whatever "
                      f"listens there, or set QUANTDESK_INGEST_PORT to a free port"], out.stderr
