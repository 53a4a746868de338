"""Failed sign-ins counted per key (a user name, a client address) in a sliding window.

In-process and in memory: each web process guards its own door, which is what a
password guesser hits, and a restart forgets the counts (a lock-out is short by
design). Hand-written because it is a deque per key; a rate-limit library would
bring storage back-ends this does not need.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from threading import Lock


class FailureThrottle:
    """After ``max_failures`` failures of one key within ``window_s``, that key is blocked
    until the oldest of them is older than the window. Successes do not unblock a key."""

    def __init__(self, max_failures: int, window_s: float, *, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 100_000) -> None:
        self._max, self._window, self._clock, self._max_keys = max_failures, window_s, clock, max_keys
        self._failures: dict[str, deque[float]] = {}
        self._lock = Lock()  # sign-in runs in worker threads

    def blocked(self, key: str) -> bool:
        with self._lock:
            return len(self._recent(key)) >= self._max

    def failed(self, key: str) -> None:
        with self._lock:
            if key not in self._failures and len(self._failures) >= self._max_keys:
                self._forget_stale()
            self._recent(key).append(self._clock())

    def _recent(self, key: str) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= self._clock() - self._window:
            times.popleft()
        return times

    def _forget_stale(self) -> None:
        # Bounds memory when many different keys fail (names made up by a guesser).
        for key in [k for k in self._failures if not self._recent(k)]:
            del self._failures[key]
        if len(self._failures) >= self._max_keys:  # all recent: drop the key counted first
            del self._failures[next(iter(self._failures))]
