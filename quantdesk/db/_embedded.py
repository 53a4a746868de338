"""The embedded PostgreSQL (with pgvector), run by pgserver inside the data dir.

pgserver ships PostgreSQL 16 and pgvector in its wheel, so nothing is installed
by hand. The server keeps running while any process holds a handle to it and
stops when the last one exits; its data stays in the folder across restarts.

pgserver stops, at the last handle's release, only the postmaster *it* started
and only if no other pid is on its handle list. A postmaster started again by
another process after a crash, or a handle holder killed by SIGKILL, would leave
PostgreSQL running for good; :meth:`EmbeddedPostgres.release` corrects both, so
whoever releases last stops whatever server runs in the folder. Under
`quantdesk run` the parent is the only handle holder (its services connect by
URL) and :meth:`EmbeddedPostgres.ensure_running` lets it start the server again.
"""

from __future__ import annotations

import logging
import subprocess
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quantdesk.errors import DatabaseError

# pgserver narrates every step at INFO; its failures still surface as exceptions.
logging.getLogger("pgserver").setLevel(logging.WARNING)


_POSTMASTER_LINES = 8  # pid, pgdata, start time, port, socket dir, host, shared memory, status


def read_postmaster(pgdata: Path, *, settle_s: float = 10.0) -> Any:
    """The server described by ``pgdata/postmaster.pid`` (a pgserver ``PostmasterInfo``), or None.

    PostgreSQL writes that file line by line while it starts, and pgserver's own reader fails on a
    file it catches half written. A partial file whose pid is dead is a crashed start: None. A
    partial file whose pid lives is a start in progress: read again until it is whole, for up to
    ``settle_s`` seconds, then raise :class:`DatabaseError`.
    """
    import psutil
    from pgserver.utils import PostmasterInfo

    path = pgdata / "postmaster.pid"
    deadline = time.monotonic() + settle_s
    while True:
        try:
            lines = path.read_text().splitlines()
        except FileNotFoundError:
            return None
        if len(lines) >= _POSTMASTER_LINES:
            return PostmasterInfo(lines[:_POSTMASTER_LINES])
        pid = lines[0].strip() if lines else ""
        if pid.isdigit() and not psutil.pid_exists(int(pid)):
            return None
        if time.monotonic() >= deadline:
            raise DatabaseError(f"embedded PostgreSQL in {pgdata} did not finish writing postmaster.pid "
                                f"within {settle_s:.0f}s; see {pgdata / 'log'}")
        time.sleep(0.05)


@dataclass
class EmbeddedPostgres:
    """A handle on the embedded server in ``pgdata``."""

    pgdata: Path
    was_running: bool = False
    _server: object | None = None

    def start(self) -> str:
        """Start the server (or attach to the running one) and return its URI."""
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, root shells); pgserver then uses /tmp.
            warnings.simplefilter("ignore")
            from pgserver.postgres_server import get_server  # here: external-database deployments never load it

        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        info = read_postmaster(self.pgdata) if self.pgdata.exists() else None
        self.was_running = info is not None and info.is_running()
        try:
            server = get_server(self.pgdata, cleanup_mode="stop")
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError, AssertionError) as exc:
            log = self.pgdata / "log"
            raise DatabaseError(
                f"embedded PostgreSQL in {self.pgdata} failed to start ({type(exc).__name__}); see {log}"
            ) from exc
        self._server = server
        return server.get_uri()

    def ensure_running(self) -> bool:
        """Start the server again if its postmaster has died; True if it had to.

        For the process that owns the server (the `quantdesk run` parent).
        Raises :class:`DatabaseError` if it cannot start (e.g. the killed
        server's backends still hold its shared memory): call again later.
        """
        server: Any = self._server
        assert server is not None, "ensure_running() after start()"
        info = read_postmaster(self.pgdata)
        if info is not None and info.is_running():
            return False
        try:
            with server._lock:  # pgserver's inter-process lock; ensure_postgres_running requires it
                server.ensure_postgres_running()
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError, AssertionError) as exc:
            raise DatabaseError(f"embedded PostgreSQL in {self.pgdata} stopped and could not be started "
                                f"again ({type(exc).__name__}); see {self.pgdata / 'log'}") from exc
        return True

    def release(self) -> None:
        """Drop this process's handle; if it was the last live one, stop the server running in pgdata."""
        if self._server is None:
            return
        import psutil

        server: Any = self._server
        self._server = None
        with server._lock:
            # Hand pgserver the postmaster running now (it may have been started by someone else
            # after a crash), and forget handles of processes that died without releasing theirs.
            info = read_postmaster(self.pgdata)
            if info is not None and info.is_running():
                server._postmaster_info = info
            handles = server.global_process_id_list
            handles.put([pid for pid in handles.get() if psutil.pid_exists(pid)])
        server.cleanup()
