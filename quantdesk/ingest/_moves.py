"""How a price moved over the last hour and day, from the stored candles: the change
from the window's first open to its last close, and its range. A window with less
data stored than it spans says how much it covers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from quantdesk.ingest._prices import StoredCandle
from quantdesk.market import scaled

Candles = Callable[..., list[StoredCandle]]  # PostgresPrices.candles: (symbol, interval, *, limit)
# (label, window, the candles that cover it): the last hour from minutes, the last day from hours.
MOVE_WINDOWS = (("last hour", 3600, "1m", 60), ("last 24 h", 86_400, "1h", 25))


@dataclass(frozen=True)
class PriceMove:
    change_pct: Decimal  # to 0.01
    high: Decimal
    low: Decimal
    covered_s: int  # how much of the window the stored data covers


def price_moves(candles: Candles, feed_symbol: str, now: int) -> dict[str, PriceMove]:
    """The moves by window label (see :data:`MOVE_WINDOWS`); a window without data is left out."""
    moves: dict[str, PriceMove] = {}
    data_since: int | None = None  # set when the minutes show that less than an hour is stored at all
    for label, window, interval, limit in MOVE_WINDOWS:
        inside = [c for c in candles(feed_symbol, interval, limit=limit) if c.bucket_start > now - window]
        if not inside:
            continue
        first = scaled(inside[0].open, inside[0].expo)
        if first <= 0:
            continue
        last = scaled(inside[-1].close, inside[-1].expo)
        # An hour's candle starts on the hour; the data in it may start later (the minutes tell).
        start = inside[0].bucket_start if data_since is None else max(inside[0].bucket_start, data_since)
        covered = min(window, now - start)
        if covered < window * 0.9:
            data_since = start
        moves[label] = PriceMove(((last - first) / first * 100).quantize(Decimal("0.01")),
                                 max(scaled(c.high, c.expo) for c in inside),
                                 min(scaled(c.low, c.expo) for c in inside), covered)
    return moves
