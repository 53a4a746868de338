"""One asyncio lock per key (a conversation, a trader), for work that must not
interleave within a process: created on first use, forgotten once nobody holds
or waits for it (so a long-running process does not keep one per key forever)."""

from __future__ import annotations

import asyncio
import weakref


class KeyedLocks:
    def __init__(self) -> None:
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    def __call__(self, key: str) -> asyncio.Lock:
        """The lock for ``key`` (use as ``async with locks(key):``)."""
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock
