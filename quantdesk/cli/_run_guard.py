"""What `quantdesk run` makes sure of. Before it starts anything: that it is the
only `run` on this data dir, and that every port its services will bind is free;
each refusal is one clear error (a ResourceBusy) instead of a second set of
services and a traceback from whichever one loses the port. While its services
run: that the embedded database it owns stays up, and that they use that one.

The data dir is claimed with ``fcntl.flock`` on ``<data dir>/run.lock`` rather
than a Postgres advisory lock: it must be checked before the database is started
(a second run would otherwise attach to the first one's embedded server), what
conflicts is the data dir (wallets, embedded database, its ports) whatever the
database, and the kernel drops the lock when the process dies, even by SIGKILL,
so there is never a stale lock to clean up.
"""

from __future__ import annotations

import fcntl
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace

from quantdesk.config import Settings
from quantdesk.db import Database
from quantdesk.errors import DatabaseError, ResourceBusy, port_error
from quantdesk.supervisor import ServiceSpec

__all__ = ["claim_run", "require_free_ports", "keep_embedded_up", "as_clients_of"]


@contextmanager
def claim_run(settings: Settings, ports: dict[str, int]) -> Iterator[None]:
    """Hold the data dir's run lock for the block and check ``ports`` (setting name → port)
    are free; else raise ResourceBusy naming the other run's pid, or the port and its setting."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.data_dir / "run.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)  # not inherited by the services (PEP 446)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            raise ResourceBusy(f"another `quantdesk run` (pid {holder}) is already using the data dir "
                               f"{settings.data_dir}: stop it first, or set QUANTDESK_DATA_DIR to another folder") \
                from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        require_free_ports(settings.host, ports)
        yield
    finally:
        os.close(fd)  # releases the lock


def require_free_ports(host: str, ports: dict[str, int]) -> None:
    """Raise ResourceBusy for the first port (setting name → port) something already listens on."""
    for setting, port in ports.items():
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            # Like the servers themselves: a port left in TIME_WAIT by a previous run is free.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except OSError as exc:
                raise port_error(host, port, setting, exc) from None


def keep_embedded_up(db: Database, on_event: Callable[[str], None], *, retry_s: float = 1.0) -> Callable[[], None]:
    """A supervisor tick that starts the embedded server again if its postmaster died.

    The `run` parent owns the server (its services connect by URL and never
    start one of their own), so it is the one to bring it back, and the one
    that stops it on the way out. A failed start is retried every ``retry_s``;
    meanwhile the services crash and back off, and give up if it never returns.
    """
    embedded = db.embedded
    next_try = 0.0

    def tick() -> None:
        nonlocal next_try
        if embedded is None or time.monotonic() < next_try:
            return
        try:
            if embedded.ensure_running():
                on_event(f"database: the embedded PostgreSQL in {embedded.pgdata} had stopped; started it again")
        except DatabaseError as exc:
            next_try = time.monotonic() + retry_s
            on_event(f"database: {exc}; retrying in {retry_s:g}s")

    return tick


def as_clients_of(db: Database, specs: list[ServiceSpec]) -> list[ServiceSpec]:
    """The services pointed at this process's embedded server by URL, so none starts (and
    later orphans) a server of its own; unchanged for an external database."""
    if db.kind != "embedded":
        return specs
    return [replace(spec, env={**spec.env, "QUANTDESK_DATABASE_URL": db.url}) for spec in specs]
