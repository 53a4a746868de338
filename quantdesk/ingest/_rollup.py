"""Candle intervals traders use that are not stored (15m, 4h, 1d), built from the
stored ones. Storing only 1m/5m/1h keeps the ingest hot path to three upserts; a
longer candle is an exact fold of shorter ones (open of the first, close of the
last, the extremes, the tick count), so nothing is approximated by building it on
read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Protocol

__all__ = ["DERIVED", "rollup"]

# interval -> (stored interval it folds, its length in seconds)
DERIVED: Final[dict[str, tuple[str, int]]] = {"15m": ("5m", 900), "4h": ("1h", 14_400), "1d": ("1h", 86_400)}


class _Candle(Protocol):
    @property
    def bucket_start(self) -> int: ...
    @property
    def open(self) -> int: ...
    @property
    def high(self) -> int: ...
    @property
    def low(self) -> int: ...
    @property
    def close(self) -> int: ...
    @property
    def expo(self) -> int: ...
    @property
    def ticks(self) -> int: ...


def _at(price: int, expo: int, target: int) -> int:
    """``price`` at the smaller exponent ``target`` (exact: only multiplies)."""
    return price * int(10 ** (expo - target))


def rollup(candles: Sequence[_Candle], seconds: int) -> list[tuple[int, int, int, int, int, int, int]]:
    """``candles`` (oldest first) folded into ``seconds``-long buckets aligned to the epoch (a day starts at
    00:00 UTC), as (bucket_start, open, high, low, close, expo, ticks), oldest first. Candles with different
    exponents are compared at the smallest of them, which loses no digit."""
    groups: dict[int, list[_Candle]] = {}
    for candle in candles:
        groups.setdefault(candle.bucket_start - candle.bucket_start % seconds, []).append(candle)
    folded = []
    for start, group in sorted(groups.items()):
        expo = min(c.expo for c in group)
        folded.append((start, _at(group[0].open, group[0].expo, expo),
                       max(_at(c.high, c.expo, expo) for c in group), min(_at(c.low, c.expo, expo) for c in group),
                       _at(group[-1].close, group[-1].expo, expo), expo, sum(c.ticks for c in group)))
    return folded
