"""Candle aggregation from ticks (pure): 1m buckets folded into 5m and 1h."""

from __future__ import annotations

from quantdesk.ingest import aggregate

F = "ab" * 32


def _by(rows: list, interval: str) -> dict[int, tuple[int, int, int, int, int]]:
    return {r.bucket_start: (r.open, r.high, r.low, r.close, r.ticks) for r in rows if r.interval == interval}


def test_ticks_fold_into_minute_five_minute_and_hour_candles() -> None:
    t0 = 1_800_000_000  # a multiple of 3600
    ticks = [(F, t0 + 0, 100, -2), (F, t0 + 30, 130, -2), (F, t0 + 59, 90, -2),  # minute 0
             (F, t0 + 60, 95, -2), (F, t0 + 119, 105, -2),  # minute 1
             (F, t0 + 300, 200, -2)]  # next 5-minute bucket
    rows, skipped = aggregate(ticks, {F: -2})
    assert skipped == 0
    assert _by(rows, "1m") == {t0: (100, 130, 90, 90, 3), t0 + 60: (95, 105, 95, 105, 2),
                               t0 + 300: (200, 200, 200, 200, 1)}
    assert _by(rows, "5m") == {t0: (100, 130, 90, 105, 5), t0 + 300: (200, 200, 200, 200, 1)}
    assert _by(rows, "1h") == {t0: (100, 200, 90, 200, 6)}


def test_order_of_ticks_in_a_batch_does_not_matter() -> None:
    t0 = 1_800_000_000
    ticks = [(F, t0 + 59, 90, -2), (F, t0, 100, -2), (F, t0 + 30, 130, -2)]
    rows, _ = aggregate(ticks, {F: -2})
    assert _by(rows, "1m") == {t0: (100, 130, 90, 90, 3)}


def test_ticks_in_another_exponent_are_rescaled_exactly_or_left_out() -> None:
    t0 = 1_800_000_000
    rows, skipped = aggregate([(F, t0, 15, -1), (F, t0 + 1, 1501, -3), (F, t0 + 2, 1500, -3)], {F: -2})
    assert _by(rows, "1m") == {t0: (150, 150, 150, 150, 2)}  # 1.5 and 1.500; 1.501 cannot be held at -2
    assert skipped == 1
