"""Recorded candles and the deterministic tick path the replay source derives
from each one. Integers only: CSV text → Decimal → exact integer at the feed's
exponent (never a float). The derivation is documented in data/PROVENANCE.md.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from quantdesk.market._errors import DecodeError

__all__ = ["Candle", "read_candles", "tick_path", "derived_conf", "EMA_SPAN", "ema_step"]

EMA_SPAN = 60  # minutes: Pyth's EMA averages over roughly an hour


@dataclass(frozen=True, slots=True)
class Candle:
    open_time: int  # Unix seconds
    open: int
    high: int
    low: int
    close: int


def _to_int(text: str, expo: int, where: str) -> int:
    try:
        exact = Decimal(text).scaleb(-expo)
    except InvalidOperation:
        raise DecodeError(f"{where}: {text!r} is not a number") from None
    if exact != exact.to_integral_value():
        raise DecodeError(f"{where}: {text} has more decimals than exponent {expo} can hold exactly")
    return int(exact)


def read_candles(path: Path, expo: int) -> Iterator[Candle]:
    """Candles from a gzip CSV with ``open_time_ms,open_time_utc,open,high,low,close,volume``, streamed."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh), start=2):
            where = f"{path.name} line {i}"
            candle = Candle(int(row["open_time_ms"]) // 1000, _to_int(row["open"], expo, where),
                            _to_int(row["high"], expo, where), _to_int(row["low"], expo, where),
                            _to_int(row["close"], expo, where))
            if not candle.low <= min(candle.open, candle.close) <= max(candle.open, candle.close) <= candle.high:
                raise DecodeError(f"{where}: open/close outside low..high")
            yield candle


def tick_path(candle: Candle) -> list[int]:
    """Sixty prices, one per second: open at 0, the extremes at 20 and 40 (low
    first for an up candle, high first for a down one), close at 59, straight
    lines between. The ticks' min, max, first and last are the candle's OHLC."""
    if candle.close >= candle.open:
        anchors = [(0, candle.open), (20, candle.low), (40, candle.high), (59, candle.close)]
    else:
        anchors = [(0, candle.open), (20, candle.high), (40, candle.low), (59, candle.close)]
    path: list[int] = []
    for (s0, p0), (s1, p1) in zip(anchors, anchors[1:], strict=False):
        span = s1 - s0
        path.extend(p0 + (p1 - p0) * (s - s0) // span for s in range(s0, s1))
    path.append(candle.close)
    return path


def derived_conf(candle: Candle) -> int:
    """Half the candle's range (at least 1): the uncertainty a one-minute window implies."""
    return max(1, (candle.high - candle.low) // 2)


def ema_step(ema: int | None, value: int) -> int:
    """One step of an integer EMA with alpha = 2 / (EMA_SPAN + 1)."""
    if ema is None:
        return value
    return ema + (value - ema) * 2 // (EMA_SPAN + 1)
