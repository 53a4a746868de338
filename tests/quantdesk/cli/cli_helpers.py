"""Running the real `quantdesk` command in a subprocess with a clean environment."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.doubles.loopback import free_port

QUANTDESK = [sys.executable, "-m", "quantdesk"]


def cli_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("QUANTDESK_") and k not in ("DATABASE_URL", "MIKEY_MODEL", "CHAINLIT_AUTH_SECRET")}
    env["QUANTDESK_DATA_DIR"] = str(data_dir)
    # `quantdesk run` starts the chat API too: never on the real 3002, where another run may be.
    env["QUANTDESK_API_PORT"] = str(free_port())
    env.update(extra)
    return env


def quantdesk(data_dir: Path, *args: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*QUANTDESK, *args], env=cli_env(data_dir, **env), cwd=cwd or data_dir.parent,
                          capture_output=True, text=True, timeout=120)


def assert_refused(out: subprocess.CompletedProcess[str], expected: str) -> None:
    """A refusal as the CLI promises it: exit code 2, one `error:` line naming
    `expected`, no traceback, nothing on stdout."""
    assert out.returncode == 2, (out.returncode, out.stdout, out.stderr)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("error: ") and expected in lines[0], lines[0]
    assert "Traceback" not in out.stderr and out.stdout == ""
def url_form(conninfo: str, **query: str) -> str:
    """A database's libpq conninfo as a postgresql:// URL (DATABASE_URL must be a URL)."""
    from psycopg.conninfo import conninfo_to_dict

    params = conninfo_to_dict(conninfo)
    extra = "".join(f"&{k}={v}" for k, v in query.items())
    return f"postgresql://{params['user']}@/{params['dbname']}?host={params['host']}{extra}"


def postmasters(pgdata: Path) -> list:  # list[psutil.Process]
    """Every PostgreSQL server process running on ``pgdata`` (its command line names the folder)."""
    import psutil

    return [proc for proc in psutil.process_iter(["name", "cmdline"])
            if proc.info["name"] == "postgres" and str(pgdata) in (proc.info["cmdline"] or [])]


@contextmanager
def started(data_dir: Path, *args: str, **env: str) -> Iterator[subprocess.Popen[str]]:
    """`quantdesk ARGS` running in the background (stdout and stderr together), killed if the block
    leaves it running."""
    proc = subprocess.Popen([*QUANTDESK, *args], env=cli_env(data_dir, **env), cwd=data_dir.parent,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
            try:
                proc.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                # A postgres the run started again after a crash inherits its stdout and keeps the
                # pipe open past the run's death: stop reading rather than hang the suite.
                assert proc.stdout is not None
                proc.stdout.close()
