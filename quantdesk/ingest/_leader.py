"""Active/standby: only the instance holding a Postgres advisory lock ingests.
The lock lives on a dedicated connection, so it is released the moment that
instance dies or disconnects and a standby takes over."""

from __future__ import annotations

import psycopg

__all__ = ["Leadership", "INGEST_LOCK_KEY"]

# Arbitrary constant naming "quantdesk ingest" in pg_advisory_lock's key space.
INGEST_LOCK_KEY = 0x5144_494E_4753


class Leadership:
    def __init__(self, conninfo: str, key: int = INGEST_LOCK_KEY) -> None:
        self._conninfo = conninfo
        self._key = key
        self._conn: psycopg.AsyncConnection | None = None

    @property
    def held(self) -> bool:
        return self._conn is not None and not self._conn.closed

    async def try_acquire(self) -> bool:
        if self.held:
            return True
        conn = await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True)
        row = await (await conn.execute("SELECT pg_try_advisory_lock(%s)", (self._key,))).fetchone()
        if row is not None and row[0]:
            self._conn = conn
            return True
        await conn.close()
        return False

    async def release(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None
