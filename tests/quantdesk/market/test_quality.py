"""The quality gate and the price book: ok / stale / wide / halted, and refusals
that say which and by how much."""

from __future__ import annotations

from decimal import Decimal

import pytest

from quantdesk.market import (
    ANY_QUALITY,
    FeedRegistry,
    PriceBook,
    PriceHalted,
    PriceUnavailable,
    PriceUpdate,
    Quality,
    QualityGate,
    StalePrice,
    WidePrice,
)
from tests.quantdesk.market.conftest import SOL

GATE = QualityGate(max_age_s=30, max_conf_ratio=Decimal("0.01"))
NOW = 1_800_000_000.0


def sol(price: int = 15_000_000_000, conf: int = 7_500_000, age: int = 0, status: str = "trading") -> PriceUpdate:
    return PriceUpdate(feed_id=SOL, price=price, conf=conf, expo=-8, publish_time=int(NOW) - age,
                       status=status, source="hermes")  # type: ignore[arg-type]


def test_fresh_tight_price_is_ok() -> None:
    gated = GATE.require("SOL/USD", sol(), now=NOW)
    assert gated.quality is Quality.OK
    assert gated.price == Decimal("150.00000000")
    assert gated.conf_ratio == Decimal("0.0005")


def test_old_price_is_stale_and_the_refusal_says_by_how_much() -> None:
    with pytest.raises(StalePrice) as err:
        GATE.require("SOL/USD", sol(age=42), now=NOW)
    assert err.value.age_s == 42 and err.value.max_age_s == 30
    assert "SOL/USD price is stale: published 42s ago, limit 30s (over by 12s)" in str(err.value)


def test_price_exactly_at_the_age_limit_is_still_ok() -> None:
    assert GATE.assess("SOL/USD", sol(age=30), now=NOW).quality is Quality.OK


def test_wide_confidence_is_refused_with_ratio_and_limit() -> None:
    with pytest.raises(WidePrice) as err:
        GATE.require("SOL/USD", sol(conf=225_000_000), now=NOW)  # ±2.25 on 150 = 1.5 %
    assert err.value.conf_ratio == Decimal("0.015")
    assert "1.500% of price, limit 1.000% (over by 0.500%)" in str(err.value)
    assert "±2.25000000 on 150.00000000" in str(err.value)


def test_halted_status_is_refused_even_when_fresh_and_tight() -> None:
    with pytest.raises(PriceHalted, match="Pyth status halted"):
        GATE.require("SOL/USD", sol(status="halted"), now=NOW)


def test_non_positive_price_counts_as_halted() -> None:
    assert GATE.assess("SOL/USD", sol(price=0), now=NOW).quality is Quality.HALTED


def test_halted_wins_over_stale_and_stale_over_wide() -> None:
    assert GATE.assess("SOL/USD", sol(age=999, status="halted"), now=NOW).quality is Quality.HALTED
    assert GATE.assess("SOL/USD", sol(age=999, conf=10**10), now=NOW).quality is Quality.STALE


def test_a_publish_time_ahead_of_our_clock_counts_as_age_zero() -> None:
    assert GATE.assess("SOL/USD", sol(age=-5), now=NOW).age_s == 0


def test_a_known_down_source_makes_a_fresh_price_stale() -> None:
    with pytest.raises(StalePrice, match="price source down \\(Hermes refused\\)"):
        GATE.require("SOL/USD", sol(), now=NOW, source_down="Hermes refused")


def test_display_callers_can_accept_any_quality() -> None:
    gated = GATE.require("SOL/USD", sol(age=100), now=NOW, accept=ANY_QUALITY)
    assert gated.quality is Quality.STALE and gated.reason.startswith("published 100s ago")


def test_book_refuses_before_any_price_arrived(registry: FeedRegistry) -> None:
    book = PriceBook(registry, GATE, clock=lambda: NOW)
    with pytest.raises(PriceUnavailable, match="no SOL/USD price received yet"):
        book.get("SOL")


def test_book_keeps_the_newest_price_per_feed(registry: FeedRegistry) -> None:
    book = PriceBook(registry, GATE, clock=lambda: NOW)
    book.update(sol(price=15_100_000_000, age=1))
    book.update(sol(price=14_900_000_000, age=5))  # older: ignored
    assert book.get("SOL/USD").price == Decimal("151.00000000")


def test_book_marks_everything_stale_while_the_source_is_down(registry: FeedRegistry) -> None:
    book = PriceBook(registry, GATE, clock=lambda: NOW)
    book.update(sol())
    book.mark_source_down("connection refused")
    with pytest.raises(StalePrice, match="connection refused"):
        book.get("SOL")
    book.mark_source_up()
    assert book.get("SOL").quality is Quality.OK
    assert [g.symbol for g in book.snapshot()] == ["SOL/USD"]
