"""The transcript: every message of every thread, written once, in order (table
``chat_messages``, migration 0016).

It is what history is read from (``ChatSession.history``, the chat API's thread
read), so a thread's whole conversation stays readable while the graph's state
keeps only its recent turns. Messages are stored as LangChain's own message dicts,
so history shows them exactly as the graph made them.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from langchain_core.messages import BaseMessage, RemoveMessage, message_to_dict, messages_from_dict
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

__all__ = ["Transcript", "page_bounds"]

_INSERT = ("INSERT INTO chat_messages (thread_id, message_id, message) VALUES (%s, %s, %s) "
           "ON CONFLICT (thread_id, message_id) DO NOTHING")


class Transcript:
    def __init__(self, pool: AsyncConnectionPool[Any]) -> None:
        self._pool = pool

    async def append(self, thread_id: str, messages: Sequence[BaseMessage]) -> None:
        """Add ``messages`` (in order) to the thread's transcript; one already there (same id) is not added again."""
        rows = [(thread_id, m.id or f"msg-{uuid.uuid4().hex}", Jsonb(message_to_dict(m)))
                for m in messages if not isinstance(m, RemoveMessage)]
        if not rows:
            return
        async with self._pool.connection() as conn, conn.cursor() as cur:
            await cur.executemany(_INSERT, rows)

    async def read_page(self, thread_id: str, *, limit: int | None,
                        before: int | None = None) -> tuple[list[BaseMessage], int, int]:
        """Up to ``limit`` messages (None: all) ending just before position ``before`` (None: the newest), oldest
        first, with the position of the first of them and the thread's message count. Positions count from 0 in
        the order messages were written; a transcript only grows at its end, so a position names one message
        for good."""
        async with self._pool.connection() as conn:
            if limit is None and before is None:  # the whole thread: its length is what is read
                rows = await (await conn.execute(
                    "SELECT message FROM chat_messages WHERE thread_id = %s ORDER BY seq", (thread_id,))).fetchall()
                return messages_from_dict([_value(r) for r in rows]), 0, len(rows)
            counted = await (await conn.execute("SELECT count(*) FROM chat_messages WHERE thread_id = %s",
                                                (thread_id,))).fetchone()
            total = int(_value(counted, "count"))
            start, end = page_bounds(total, limit, before)
            rows = await (await conn.execute(
                "SELECT message FROM chat_messages WHERE thread_id = %s ORDER BY seq OFFSET %s LIMIT %s",
                (thread_id, start, end - start))).fetchall()
        return messages_from_dict([_value(r) for r in rows]), start, total

    async def has(self, thread_id: str) -> bool:
        async with self._pool.connection() as conn:
            row = await (await conn.execute("SELECT 1 FROM chat_messages WHERE thread_id = %s LIMIT 1",
                                            (thread_id,))).fetchone()
        return row is not None


def page_bounds(total: int, limit: int | None, before: int | None) -> tuple[int, int]:
    """The positions [start, end) of up to ``limit`` messages (None: all) of ``total`` ending just before
    ``before`` (None: the end)."""
    end = total if before is None else min(max(before, 0), total)
    return (0 if limit is None else max(0, end - limit)), end


def _value(row: Any, column: str = "message") -> Any:
    """The first column of a row, whichever row factory the pool uses."""
    return row[column] if isinstance(row, dict) else row[0]
