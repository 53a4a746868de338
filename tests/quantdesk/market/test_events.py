"""In-process price events and the per-tick value type: what the ingest pump
relies on to stay cheap (a subscriber flag it can read per tick, a fast way for
sources to build updates) must mean exactly what the slow way means."""

from __future__ import annotations

from quantdesk.market import PriceBus, PriceUpdate, make_update
from tests.quantdesk.market.conftest import SOL


def test_has_subscribers_follows_subscribe_and_close() -> None:
    bus = PriceBus()
    assert not bus.has_subscribers
    first, second = bus.subscribe(), bus.subscribe()
    assert bus.has_subscribers
    first.close()
    assert bus.has_subscribers
    second.close()
    second.close()  # closing twice is harmless
    assert not bus.has_subscribers


def test_make_update_builds_the_same_update_as_the_constructor() -> None:
    fast = make_update(SOL, 15_000_000_000, 7_500_000, -8, 1_800_000_000, 14_900_000_000, None, "halted", "replay")
    slow = PriceUpdate(feed_id=SOL, price=15_000_000_000, conf=7_500_000, expo=-8, publish_time=1_800_000_000,
                       ema_price=14_900_000_000, ema_conf=None, status="halted", source="replay")
    assert fast == slow and hash(fast) == hash(slow) and repr(fast) == repr(slow)
