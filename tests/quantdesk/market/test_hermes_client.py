"""The real Hermes client against a Hermes double on 127.0.0.1 that serves
Hermes' REST and SSE formats with the real recorded bodies."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr

from quantdesk.market import (
    Backoff,
    BreakerState,
    CircuitBreaker,
    FeedRegistry,
    HermesSource,
    PriceUpdate,
    RateLimited,
    SourceAuthError,
    SourceError,
    resilient_updates,
)
from tests.quantdesk.market.conftest import BTC, ETH, SOL, btc_latest_body, eth_updates_x3
from tests.quantdesk.market.doubles import Drop, End, Event, HermesDouble, Pause, Status

ETH_EVENTS = [Event(json.dumps(body, separators=(",", ":"))) for body in eth_updates_x3()]


def _source(hermes: HermesDouble, registry: FeedRegistry, symbols: tuple[str, ...] = ("ETH",), **kw: object
            ) -> HermesSource:
    return HermesSource(base_url=hermes.url, feeds=[registry.get(s) for s in symbols], **kw)  # type: ignore[arg-type]


async def _collect(updates: AsyncIterator[PriceUpdate], n: int, timeout_s: float = 10) -> list[PriceUpdate]:
    out: list[PriceUpdate] = []

    async def take() -> None:
        async for u in updates:
            out.append(u)
            if len(out) == n:
                return

    await asyncio.wait_for(take(), timeout_s)
    return out


def _fast_breaker(threshold: int = 5) -> CircuitBreaker:
    return CircuitBreaker(failure_threshold=threshold, open_s=0.2, backoff=Backoff(0.02, 0.1))


async def test_stream_delivers_real_eth_updates_in_order(registry: FeedRegistry) -> None:
    async with HermesDouble(known_feeds=[ETH, BTC, SOL]) as hermes:
        hermes.connections = [ETH_EVENTS]
        source = _source(hermes, registry)
        got = await _collect(source.session(), 3)
        await source.aclose()
    assert [u.publish_time for u in got] == [1760551460, 1760551461, 1760551462]
    assert got[0].price == 397647905193 and got[0].conf == 163008278
    [req] = hermes.stream_requests()
    assert ("ids[]", ETH) in req.query and ("parsed", "true") in req.query
    assert "Authorization" not in req.headers and req.headers["Accept"] == "text/event-stream"


async def test_disconnect_mid_stream_reconnects_and_never_repeats_a_tick(registry: FeedRegistry) -> None:
    async with HermesDouble(known_feeds=[ETH]) as hermes:
        # the second connection starts by re-sending the update the first one last delivered
        hermes.connections = [[ETH_EVENTS[0], ETH_EVENTS[1], Drop()], [ETH_EVENTS[1], ETH_EVENTS[2]]]
        source, breaker = _source(hermes, registry), _fast_breaker()
        got = await _collect(resilient_updates(source, breaker), 3)
        await source.aclose()
    assert [u.publish_time for u in got] == [1760551460, 1760551461, 1760551462]
    assert len(hermes.stream_requests()) == 2
    assert source.stats()["duplicates"] == 1
    assert breaker.total_failures == 1 and breaker.state is BreakerState.CLOSED
    assert "RemoteProtocolError" in (breaker.last_error or "")


async def test_429_is_honoured_with_its_retry_after(registry: FeedRegistry) -> None:
    async with HermesDouble(known_feeds=[ETH]) as hermes:
        hermes.connections = [[Status(429, "Too Many Requests", {"Retry-After": "1"})], ETH_EVENTS]
        source = _source(hermes, registry)
        with pytest.raises(RateLimited) as err:
            await _collect(source.session(), 1)
        assert err.value.retry_after_s == 1.0
        hermes.connections.insert(0, [Status(429, "Too Many Requests", {"Retry-After": "1"})])
        got = await _collect(resilient_updates(source, _fast_breaker()), 1)
        await source.aclose()
    first_429, retry = hermes.stream_requests()[1:3]
    assert retry.at - first_429.at >= 1.0  # waited the server's Retry-After, not the 20 ms backoff
    assert got[0].publish_time == 1760551460


async def test_malformed_and_error_events_are_skipped_and_counted(registry: FeedRegistry) -> None:
    async with HermesDouble(known_feeds=[ETH]) as hermes:
        hermes.connections = [[Event('{"binary": {"encoding": "hex", "data": ['),
                               Event("Error receiving update: Lagged(3)", event="error"),
                               Event('{"parsed": [{"id": "nothex"}]}'), ETH_EVENTS[0]]]
        source = _source(hermes, registry)
        [u] = await _collect(source.session(), 1)
        await source.aclose()
    assert u.publish_time == 1760551460
    assert source.stats()["malformed"] == 2 and source.stats()["error_events"] == 1


async def test_updates_for_feeds_we_did_not_ask_for_are_dropped(registry: FeedRegistry) -> None:
    async with HermesDouble(known_feeds=[ETH, BTC]) as hermes:
        hermes.connections = [[Event(json.dumps(btc_latest_body())), ETH_EVENTS[0]]]
        source = _source(hermes, registry)
        [u] = await _collect(source.session(), 1)
        await source.aclose()
    assert u.feed_id == ETH and source.stats()["unknown_feed"] == 1


async def test_asking_for_a_feed_hermes_does_not_know_is_a_permanent_error(registry: FeedRegistry) -> None:
    async with HermesDouble(known_feeds=[ETH]) as hermes:
        source = _source(hermes, registry, ("ETH", "SOL"))
        with pytest.raises(SourceError, match=f"rejected the feed list \\(404\\): Price ids not found: {SOL}") as err:
            await _collect(source.session(), 1)
        await source.aclose()
    assert err.value.permanent


async def test_api_key_required_missing_wrong_and_right(registry: FeedRegistry) -> None:
    async with HermesDouble(known_feeds=[ETH], api_key="k-123") as hermes:
        missing = _source(hermes, registry)
        with pytest.raises(SourceAuthError, match="\\(401\\): no API key is configured: set QUANTDESK_HERMES_API_KEY"):
            await _collect(missing.session(), 1)
        wrong = _source(hermes, registry, api_key=SecretStr("nope"))
        with pytest.raises(SourceAuthError, match="QUANTDESK_HERMES_API_KEY was rejected") as err:
            await _collect(wrong.session(), 1)
        assert "nope" not in str(err.value)
        hermes.connections = [ETH_EVENTS]
        right = _source(hermes, registry, api_key=SecretStr("k-123"))
        [u] = await _collect(right.session(), 1)
        for s in (missing, wrong, right):
            await s.aclose()
    assert u.publish_time == 1760551460
    assert hermes.stream_requests()[-1].headers["Authorization"] == "Bearer k-123"


async def test_latest_endpoint_returns_the_real_btc_body(registry: FeedRegistry) -> None:
    async with HermesDouble(known_feeds=[BTC], latest_body=btc_latest_body()) as hermes:
        source = _source(hermes, registry, ("BTC",))
        [u] = await source.latest()
        await source.aclose()
    assert (u.price, u.conf, u.publish_time) == (5190075917635, 2661582364, 1708363256)
    assert hermes.seen[0].path == "/v2/updates/price/latest"


async def test_client_paces_itself_under_the_rate_limit(registry: FeedRegistry) -> None:
    async with HermesDouble(known_feeds=[BTC], latest_body=btc_latest_body()) as hermes:
        source = _source(hermes, registry, ("BTC",), max_requests=2, per_seconds=0.5)
        started = time.monotonic()
        for _ in range(3):
            await source.latest()
        await source.aclose()
    assert time.monotonic() - started >= 0.45
    # The server sees the third request held back too. Its clock stamps arrivals, and the
    # first arrival also waited for the TCP connect (slow on a loaded machine), so the
    # gap it sees can be shorter than the client's pacing; unpaced, it would be ~10 ms.
    assert hermes.seen[2].at - hermes.seen[0].at >= 0.3


async def test_a_stream_closed_without_updates_counts_as_a_failure(registry: FeedRegistry) -> None:
    async with HermesDouble(known_feeds=[ETH]) as hermes:
        hermes.connections = [[End()], [Pause(0.05), *ETH_EVENTS[:1]]]
        source, breaker = _source(hermes, registry), _fast_breaker()
        [u] = await _collect(resilient_updates(source, breaker), 1)
        await source.aclose()
    assert u.publish_time == 1760551460 and breaker.total_failures == 1
    assert "ended without any update" in (breaker.last_error or "")


async def test_repeated_failures_open_the_breaker_then_recovery_closes_it(registry: FeedRegistry) -> None:
    opened: list[str] = []
    async with HermesDouble(known_feeds=[ETH]) as hermes:
        hermes.connections = [[Status(503, "upstream down")] for _ in range(3)] + [ETH_EVENTS]
        source = _source(hermes, registry)
        breaker = CircuitBreaker(failure_threshold=2, open_s=0.3, backoff=Backoff(0.01, 0.02),
                                 on_open=opened.append)
        [u] = await _collect(resilient_updates(source, breaker), 1)
        await source.aclose()
    assert opened and "503" in opened[0]
    assert breaker.opens == 2  # the half-open try hit the third 503 and reopened
    assert breaker.state is BreakerState.CLOSED and u.publish_time == 1760551460
    gaps = [b.at - a.at for a, b in zip(hermes.stream_requests(), hermes.stream_requests()[1:], strict=False)]
    assert gaps[1] >= 0.3 and gaps[2] >= 0.3  # open periods waited, not hammered
