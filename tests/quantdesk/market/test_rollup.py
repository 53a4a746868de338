"""15m, 4h and 1d candles folded from stored ones: exact, aligned to the epoch (a day at 00:00 UTC)."""

from __future__ import annotations

from quantdesk.ingest import StoredCandle, rollup


def test_hours_fold_into_a_day_exactly() -> None:
    day = 86_400
    hours = [StoredCandle(day + h * 3600, 100 + h, 110 + h, 90 - h, 101 + h, -2, 10) for h in range(24)]
    hours.append(StoredCandle(2 * day, 500, 510, 490, 505, -2, 1))
    folded = rollup(hours, day)
    assert folded == [(day, 100, 133, 67, 124, -2, 240), (2 * day, 500, 510, 490, 505, -2, 1)]


def test_candles_of_different_exponents_are_compared_without_losing_digits() -> None:
    a = StoredCandle(0, 15_000, 15_100, 14_900, 15_050, -2, 1)      # 150.00 .. at expo -2
    b = StoredCandle(300, 1_505_000, 1_512_345, 1_500_000, 1_510_000, -4, 1)  # 150.5 .. at expo -4
    assert rollup([a, b], 900) == [(0, 1_500_000, 1_512_345, 1_490_000, 1_510_000, -4, 2)]
