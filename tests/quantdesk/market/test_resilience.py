"""Backoff with jitter and the circuit breaker's state machine."""

from __future__ import annotations

import random

import pytest

from quantdesk.market import Backoff, BreakerState, CircuitBreaker, RateLimited, SourceAuthError, SourceError


def test_backoff_doubles_with_jitter_between_half_and_full_and_is_capped() -> None:
    backoff, rng = Backoff(initial_s=1.0, max_s=8.0), random.Random(7)
    for attempt, ceiling in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (9, 8.0)]:
        delays = [backoff.delay(attempt, rng) for _ in range(200)]
        assert min(delays) >= ceiling / 2 and max(delays) <= ceiling
        assert max(delays) - min(delays) > ceiling / 4  # jittered, not a fixed schedule


def _breaker(**kw: object) -> tuple[CircuitBreaker, list[str]]:
    events: list[str] = []
    breaker = CircuitBreaker(failure_threshold=3, open_s=30.0, backoff=Backoff(1.0, 8.0),
                             on_open=lambda why: events.append(f"open: {why}"),
                             on_close=lambda: events.append("close"), clock=lambda: 1000.0,
                             rng=random.Random(1), **kw)  # type: ignore[arg-type]
    return breaker, events


def test_breaker_opens_after_the_threshold_and_waits_the_open_period() -> None:
    breaker, events = _breaker()
    assert breaker.record_failure(SourceError("boom 1")) <= 1.0
    assert breaker.record_failure(SourceError("boom 2")) <= 2.0
    assert breaker.state is BreakerState.CLOSED and events == []
    assert breaker.record_failure(SourceError("boom 3")) == 30.0
    assert breaker.state is BreakerState.OPEN and events == ["open: boom 3"]
    assert breaker.retry_at == 1030.0 and breaker.opens == 1


def test_half_open_try_closes_on_success_and_reopens_on_failure() -> None:
    breaker, events = _breaker()
    for i in range(3):
        breaker.record_failure(SourceError(f"boom {i}"))
    breaker.before_attempt()
    assert breaker.state is BreakerState.HALF_OPEN
    assert breaker.record_failure(SourceError("still down")) == 30.0
    assert breaker.state is BreakerState.OPEN and breaker.opens == 2
    breaker.before_attempt()
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED and breaker.consecutive_failures == 0
    assert events[-1] == "close"


def test_a_permanent_failure_opens_at_once() -> None:
    breaker, events = _breaker()
    breaker.record_failure(SourceAuthError("bad key"))
    assert breaker.state is BreakerState.OPEN and events == ["open: bad key"]


def test_retry_after_from_a_429_is_never_undercut() -> None:
    breaker, _ = _breaker()
    assert breaker.record_failure(RateLimited("slow down", retry_after_s=12.0)) == 12.0


def test_success_while_closed_does_not_fire_on_close() -> None:
    breaker, events = _breaker()
    breaker.record_failure(SourceError("blip"))
    breaker.record_success()
    assert events == [] and breaker.consecutive_failures == 0 and breaker.total_failures == 1


@pytest.mark.parametrize("threshold", [1, 2])
def test_threshold_counts_consecutive_failures_only(threshold: int) -> None:
    breaker = CircuitBreaker(failure_threshold=threshold, open_s=5.0)
    for _ in range(threshold - 1):
        breaker.record_failure(SourceError("x"))
    breaker.record_success()
    breaker.record_failure(SourceError("y"))
    assert breaker.state is (BreakerState.OPEN if threshold == 1 else BreakerState.CLOSED)
