"""One turn at a time per conversation, across every process on the database.

A process already serialises the turns of a thread (``quantdesk.locks``); two
processes (two chat API workers, the web page and an API worker) could still run
two turns of one thread at once, each on its own read of the paused checkpoint.
:class:`TurnLocks` adds a session-level Postgres advisory lock keyed by the
thread id, held for the whole turn: a second process's turn on that thread waits
(queued, as within one process) until the first ends, up to ``wait_s``; past
that it is refused with :class:`ThreadBusy` and nothing is done.

All of a process's turn locks live on one dedicated connection (not a pool's:
a lock belongs to the session that took it, and must be released by it). The
lock is polled with ``pg_try_advisory_lock`` rather than waited for with
``pg_advisory_lock``, so one waiting turn never blocks that connection for the
others. If the connection is lost, the server drops its locks with it; the next
turn reconnects (a restart between two turns costs nothing).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psycopg

from quantdesk.db._unavailable import DatabaseUnavailable, is_unavailable
from quantdesk.errors import DatabaseError
from quantdesk.logs import get_logger

log = get_logger(__name__)

_POLL_S = 0.02
# The key is a 64-bit hash of the thread id in its own name space; a collision would only make
# two threads take turns with each other, never let one thread's turns interleave.
_TRY = "SELECT pg_try_advisory_lock(hashtextextended('mikey-turn:' || %s, 0))"
_UNLOCK = "SELECT pg_advisory_unlock(hashtextextended('mikey-turn:' || %s, 0))"


class ThreadBusy(DatabaseError):
    """Another process has been running a turn of this thread for longer than we wait."""


class TurnLocks:
    """Per-thread turn locks shared by every process on the database at ``url``."""

    def __init__(self, url: str, *, wait_s: float) -> None:
        self._url, self._wait_s = url, wait_s
        self._conn: psycopg.AsyncConnection | None = None
        self._connecting = asyncio.Lock()

    async def _connection(self) -> psycopg.AsyncConnection:
        async with self._connecting:
            if self._conn is None or self._conn.closed or self._conn.broken:
                self._conn = await psycopg.AsyncConnection.connect(self._url, autocommit=True,
                                                                   application_name="quantdesk-turns")
            return self._conn

    async def _try(self, thread_id: str) -> bool:
        conn = await self._connection()
        try:
            row = await (await conn.execute(_TRY, (thread_id,))).fetchone()
        except psycopg.Error as exc:
            if not is_unavailable(exc):
                raise
            # The server restarted since the last turn (the connection only learns it now, and
            # its locks went with it): one new connection, as the pools' checks give theirs.
            await conn.close()
            conn = await self._connection()
            row = await (await conn.execute(_TRY, (thread_id,))).fetchone()
        return bool(row and row[0])

    @asynccontextmanager
    async def hold(self, thread_id: str) -> AsyncIterator[None]:
        """The thread's turn, for the block (see the module doc). Raises ThreadBusy after
        ``wait_s``, DatabaseUnavailable if the database cannot be reached; neither did anything."""
        deadline = time.monotonic() + self._wait_s
        waited = False
        try:
            while not await self._try(thread_id):
                if time.monotonic() >= deadline:
                    raise ThreadBusy(f"this conversation has been busy with another turn (in another process) "
                                     f"for over {self._wait_s:g} s; nothing was done, try again when it has "
                                     "answered")
                if not waited:
                    log.info("chat.turn_waits_for_other_process", thread_id=thread_id)
                    waited = True
                await asyncio.sleep(_POLL_S)
        except psycopg.Error as exc:
            if is_unavailable(exc):
                raise DatabaseUnavailable("the database is unavailable") from exc
            raise
        try:
            yield
        finally:
            await self._release(thread_id)

    async def _release(self, thread_id: str) -> None:
        conn = self._conn
        if conn is None or conn.closed or conn.broken:
            log.warning("chat.turn_lock_connection_lost", thread_id=thread_id)  # the server dropped the lock
            return
        try:
            await conn.execute(_UNLOCK, (thread_id,))
        except psycopg.Error as exc:
            if not is_unavailable(exc):
                raise
            log.warning("chat.turn_lock_connection_lost", thread_id=thread_id)

    async def aclose(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None
