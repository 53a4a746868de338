"""Retrying a price source: exponential backoff with jitter for passing
failures, and a circuit breaker that stops hammering a source that keeps
failing. While the breaker is open the caller is told (``on_open``) so prices
can be marked stale; it retries on a schedule and closes on the first update.
"""

from __future__ import annotations

import asyncio
import enum
import random
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import aclosing
from dataclasses import dataclass, field

from quantdesk.logs import get_logger
from quantdesk.market._errors import SourceError
from quantdesk.market._source import PriceSource
from quantdesk.market._types import PriceUpdate

__all__ = ["Backoff", "BreakerState", "CircuitBreaker", "resilient_updates"]

log = get_logger(__name__)


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with "equal jitter": attempt n waits between half and
    all of ``min(max_s, initial_s * 2**(n-1))``, so many clients restarting at
    once spread out instead of retrying in lockstep."""

    initial_s: float = 0.5
    max_s: float = 30.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        doublings: int = 2 ** max(0, attempt - 1)  # typeshed types int ** int as Any
        ceiling = min(self.max_s, self.initial_s * doublings)
        return ceiling / 2 + rng.uniform(0, ceiling / 2)


class BreakerState(str, enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass
class CircuitBreaker:
    """Counts consecutive source failures and decides how long to wait.

    Closed: failures are retried with :class:`Backoff`. After
    ``failure_threshold`` consecutive failures (or one permanent failure, such as
    a rejected API key) it opens: ``on_open`` runs and the next try waits
    ``open_s``. That try is half-open: success closes it (``on_close`` runs), a
    failure opens it again for another ``open_s``.
    """

    failure_threshold: int = 5
    open_s: float = 30.0
    backoff: Backoff = field(default_factory=Backoff)
    on_open: Callable[[str], None] = lambda _reason: None
    on_close: Callable[[], None] = lambda: None
    clock: Callable[[], float] = time.time
    rng: random.Random = field(default_factory=random.Random)

    state: BreakerState = BreakerState.CLOSED
    consecutive_failures: int = 0
    total_failures: int = 0
    opens: int = 0
    last_error: str | None = None
    last_failure_at: float | None = None
    retry_at: float | None = None

    def record_success(self) -> None:
        was = self.state
        self.state = BreakerState.CLOSED
        self.consecutive_failures = 0
        self.retry_at = None
        if was is not BreakerState.CLOSED:
            log.info("source.breaker_closed")
            self.on_close()

    def record_failure(self, exc: SourceError) -> float:
        """Note a failure; returns the seconds to wait before the next try."""
        self.consecutive_failures += 1
        self.total_failures += 1
        self.last_error = str(exc)
        self.last_failure_at = self.clock()
        must_open = (exc.permanent or self.state is BreakerState.HALF_OPEN
                     or self.consecutive_failures >= self.failure_threshold)
        if must_open:
            delay = self.open_s
            if self.state is not BreakerState.OPEN:
                self.state = BreakerState.OPEN
                self.opens += 1
                log.warning("source.breaker_open", failures=self.consecutive_failures, error=self.last_error,
                            retry_in_s=round(delay, 3))
                self.on_open(self.last_error)
        else:
            delay = self.backoff.delay(self.consecutive_failures, self.rng)
        if exc.retry_after_s is not None:
            delay = max(delay, exc.retry_after_s)
        self.retry_at = self.last_failure_at + delay
        return delay

    def before_attempt(self) -> None:
        """Called when the wait is over: an open breaker lets one try through."""
        if self.state is BreakerState.OPEN:
            self.state = BreakerState.HALF_OPEN


async def resilient_updates(
    source: PriceSource,
    breaker: CircuitBreaker,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> AsyncGenerator[PriceUpdate, None]:
    """Updates from ``source`` forever (or until a non-live source runs out),
    reopening sessions after failures as ``breaker`` decides."""
    while True:
        breaker.before_attempt()
        delivered = 0
        try:
            async with aclosing(source.session()) as updates:
                async for update in updates:
                    if delivered == 0:
                        breaker.record_success()
                    delivered += 1
                    yield update
        except SourceError as exc:
            delay = breaker.record_failure(exc)
            log.warning("source.failed", source=source.name, error=str(exc), state=breaker.state.value,
                        retry_in_s=round(delay, 3))
            await sleep(delay)
            continue
        if not source.live:
            return
        if delivered == 0:
            # A live stream that closes cleanly without a single update is as good as a failure;
            # reconnecting at once would spin.
            delay = breaker.record_failure(SourceError(f"{source.name} session ended without any update"))
            await sleep(delay)
