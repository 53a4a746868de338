"""Opening the database: embedded (pgserver) when no URL is configured,
otherwise the external server at ``DATABASE_URL``. Connection pools are created
lazily, one per kind per process, and closed with the :class:`Database`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypedDict

import psycopg
from psycopg_pool import AsyncConnectionPool, ConnectionPool

from quantdesk.config import Settings
from quantdesk.db._embedded import EmbeddedPostgres
from quantdesk.errors import DatabaseError
from quantdesk.masking import mask_url

_CONNECT_TIMEOUT_S = 5
# A database restart must not need a process restart. Every checkout checks the
# connection (a stale one from before the restart is dropped and replaced); a
# caller waits at most ``timeout`` for one while the pool reconnects with
# psycopg_pool's own exponential backoff, then gets PoolTimeout. Each reconnect
# series gives up after ``reconnect_timeout`` (default 300 s), so once the server
# is back the next caller's fresh attempt is not stuck behind a long backoff delay.
class _PoolResilience(TypedDict):
    timeout: float
    reconnect_timeout: float


POOL_RESILIENCE: _PoolResilience = {"timeout": 5.0, "reconnect_timeout": 5.0}


@dataclass
class Database:
    """A reachable PostgreSQL and the pools onto it. Use as a context manager."""

    kind: Literal["embedded", "external"]
    _url: str = field(repr=False)
    pool_max: int = 10
    embedded: EmbeddedPostgres | None = None
    _pool: ConnectionPool | None = field(default=None, repr=False)
    _async_pool: AsyncConnectionPool | None = field(default=None, repr=False)

    @property
    def display_url(self) -> str:
        """The URL with its password masked."""
        return mask_url(self._url)

    @property
    def url(self) -> str:
        """The full connection URL, for clients that need it (e.g. LangGraph's saver). Never log it."""
        return self._url

    def connect(self, *, autocommit: bool = False) -> psycopg.Connection:
        """A single new connection outside the pool (for LISTEN, migrations, tools)."""
        return _connect(self._url, autocommit=autocommit)

    @property
    def pool(self) -> ConnectionPool:
        if self._pool is None:
            self._pool = ConnectionPool(
                self._url,
                min_size=1,
                max_size=self.pool_max,
                open=True,
                name="quantdesk",
                kwargs={"connect_timeout": _CONNECT_TIMEOUT_S},
                check=ConnectionPool.check_connection,
                **POOL_RESILIENCE,
            )
        return self._pool

    async def async_pool(self) -> AsyncConnectionPool:
        if self._async_pool is None:
            pool = AsyncConnectionPool(
                self._url,
                min_size=1,
                max_size=self.pool_max,
                open=False,
                name="quantdesk-async",
                kwargs={"connect_timeout": _CONNECT_TIMEOUT_S},
                check=AsyncConnectionPool.check_connection,
                **POOL_RESILIENCE,
            )
            await pool.open()
            self._async_pool = pool
        return self._async_pool

    async def aclose(self) -> None:
        if self._async_pool is not None:
            await self._async_pool.close()
            self._async_pool = None
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        if self.embedded is not None:
            self.embedded.release()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def open_database(settings: Settings) -> Database:
    """Reach the configured database, starting the embedded one if no URL is set.

    Raises :class:`DatabaseError` with a one-line reason when it cannot be reached.
    """
    if settings.database_url is not None:
        url = settings.database_url.get_secret_value()
        _connect(url).close()  # fail now, clearly, rather than at first use
        return Database(kind="external", _url=url, pool_max=settings.db_pool_max)
    embedded = EmbeddedPostgres(settings.embedded_db_dir)
    url = embedded.start()
    return Database(kind="embedded", _url=url, pool_max=settings.db_pool_max, embedded=embedded)


def _connect(url: str, *, autocommit: bool = False) -> psycopg.Connection:
    try:
        return psycopg.connect(url, autocommit=autocommit, connect_timeout=_CONNECT_TIMEOUT_S)
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        # libpq quotes parts of the connection string in some errors (a bad port, an unknown option).
        raise DatabaseError(f"cannot reach the database at {mask_url(url)}: {mask_url(reason)}") from None
