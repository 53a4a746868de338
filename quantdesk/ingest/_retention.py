"""Raw-tick retention: keep the newest ``cap`` ticks per feed. Candles are
never trimmed, so history stays queryable at 1m/5m/1h after ticks are gone."""

from __future__ import annotations

from collections.abc import Iterable

from psycopg import AsyncConnection

__all__ = ["trim_ticks"]

# The cap-th newest publish time, found by walking the primary-key index backwards.
_TRIM_SQL = """
DELETE FROM price_ticks
WHERE feed_id = %(feed)s
  AND publish_time < (SELECT publish_time FROM price_ticks WHERE feed_id = %(feed)s
                      ORDER BY publish_time DESC OFFSET %(keep)s LIMIT 1)
"""


async def trim_ticks(conn: AsyncConnection, feed_ids: Iterable[str], cap: int) -> int:
    """Delete all but the newest ``cap`` ticks of each feed; returns rows deleted."""
    deleted = 0
    for feed_id in feed_ids:
        async with conn.transaction():
            cur = await conn.execute(_TRIM_SQL, {"feed": feed_id, "keep": cap - 1})
            deleted += max(cur.rowcount, 0)
    return deleted
