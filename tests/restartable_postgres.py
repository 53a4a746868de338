"""A PostgreSQL of a test's own that the test can stop, start and restart, to
show how MIKEY behaves when its database goes away and comes back. The same
server binaries as the embedded database (pgserver's wheel); a stop is
``pg_ctl stop -m fast``, which ends every session with AdminShutdown, as a
real restart does."""

from __future__ import annotations

import warnings
from pathlib import Path

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # platformdirs complains when XDG_RUNTIME_DIR is unset
    import pgserver
    from pgserver._commands import pg_ctl


class RestartablePostgres:
    def __init__(self, pgdata: Path) -> None:
        self._server = pgserver.get_server(pgdata, cleanup_mode="stop")
        self.pgdata = pgdata
        self.url = self._server.get_uri()

    def stop(self) -> None:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.pgdata, user=self._server.system_user, timeout=30)

    def start(self) -> None:
        # The same options (socket directory, log) as the first start, so the URL stays valid.
        self._server.ensure_postgres_running()

    def restart(self) -> None:
        self.stop()
        self.start()

    def close(self) -> None:
        self._server.cleanup()
