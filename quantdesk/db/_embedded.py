"""The embedded PostgreSQL (with pgvector), run by pgserver inside the data dir.

pgserver ships PostgreSQL 16 and pgvector in its wheel, so nothing is installed
by hand. The server keeps running while any process holds a handle to it and
stops when the last one exits; its data stays in the folder across restarts.
"""

from __future__ import annotations

import logging
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path

from quantdesk.errors import DatabaseError

# pgserver narrates every step at INFO; its failures still surface as exceptions.
logging.getLogger("pgserver").setLevel(logging.WARNING)


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
            import pgserver  # imported here: external-database deployments never load it
            from pgserver.utils import PostmasterInfo

        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        info = PostmasterInfo.read_from_pgdata(self.pgdata) if self.pgdata.exists() else None
        self.was_running = info is not None and info.is_running()
        try:
            server = pgserver.get_server(self.pgdata, cleanup_mode="stop")
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError, AssertionError) as exc:
            log = self.pgdata / "log"
            raise DatabaseError(
                f"embedded PostgreSQL in {self.pgdata} failed to start ({type(exc).__name__}); see {log}"
            ) from exc
        self._server = server
        return server.get_uri()

    def release(self) -> None:
        """Drop this process's handle; the server stops if no other process holds one."""
        if self._server is not None:
            self._server.cleanup()  # type: ignore[attr-defined]
            self._server = None
