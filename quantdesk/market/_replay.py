"""The replay source: real recorded market data played through the live
pipeline, so the embedded default behaves like a market without any network.

It is not Pyth data and says so: ``description`` reads "derived from Binance 1m
candles", rows carry ``source = 'replay'``. Feeds are replayed in lockstep, one
second at a time; publish times start at "now" and advance ``speed`` times
faster than the wall clock (1 = real time). The second-of-minute of the first
tick matches the wall clock, so stored 1-minute candles line up with the
source's. With ``loop`` the data starts over at the end; timestamps keep going.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterator, Sequence
from pathlib import Path

from quantdesk.market._registry import Feed
from quantdesk.market._replay_data import Candle, derived_conf, ema_step, read_candles, tick_path
from quantdesk.market._types import PriceUpdate, make_update

__all__ = ["ReplaySource", "REPLAY_DESCRIPTION"]

REPLAY_DESCRIPTION = ("derived from Binance 1m candles (USD-M perpetuals, USDT-quoted, May-Jun 2025): "
                      "open→high/low→close tick paths, confidence = half the candle range; not Pyth data")

# Sleep only when at least this far ahead of schedule: shorter sleeps cost more than they smooth.
_MIN_SLEEP_S = 0.002


class ReplaySource:
    """Ticks derived from recorded 1-minute candles of the given feeds."""

    name = "replay"

    def __init__(
        self,
        feeds: Sequence[Feed],
        data_dir: Path,
        *,
        speed: float = 1.0,
        loop: bool = True,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._feeds = [f for f in feeds if f.replay_file]
        if not self._feeds:
            raise ValueError("no feed in the registry has replay data")
        missing = [str(data_dir / str(f.replay_file)) for f in self._feeds
                   if not (data_dir / str(f.replay_file)).is_file()]
        if missing:
            raise FileNotFoundError(f"replay data missing: {', '.join(missing)}")
        if speed <= 0:
            raise ValueError("replay speed must be positive")
        self._dir = data_dir
        self._speed = speed
        self._loop = loop
        self._clock = clock
        self._sleep = sleep
        self._ticks = 0
        self._passes = 0
        # Publish time of the next tick to emit; fixed at the first session so reconnects continue.
        self._next_publish: int | None = None

    @property
    def live(self) -> bool:
        return self._loop

    @property
    def description(self) -> str:
        return REPLAY_DESCRIPTION

    def stats(self) -> dict[str, int]:
        return {"ticks": self._ticks, "passes": self._passes}

    def _minutes(self) -> Iterator[list[Candle]]:
        """One candle per feed per minute, over the range all feeds cover."""
        readers = [read_candles(self._dir / str(f.replay_file), f.expo) for f in self._feeds]
        try:
            while True:
                row = [next(r, None) for r in readers]
                if any(c is None for c in row):
                    return
                yield row  # type: ignore[misc]  # no None left
        finally:
            for r in readers:
                r.close()  # type: ignore[attr-defined]

    async def session(self) -> AsyncGenerator[PriceUpdate, None]:
        now = self._clock()
        if self._next_publish is None:
            self._next_publish = math.floor(now)
        # Wall time at which publish time `self._next_publish` is due.
        wall0, pub0 = now, self._next_publish
        first_second = self._next_publish % 60
        emas: list[tuple[int | None, int | None]] = [(None, None)] * len(self._feeds)
        speed, clock, n_feeds = self._speed, self._clock, len(self._feeds)
        while True:
            self._passes += 1
            for candles in self._minutes():
                confs = [derived_conf(c) for c in candles]
                # Everything but the price is fixed for the minute: one tuple per feed, unpacked per tick.
                minute = [(f.feed_id, f.expo, tick_path(c), conf, ema_p, ema_c)
                          for f, c, conf, (ema_p, ema_c) in zip(self._feeds, candles, confs, emas, strict=True)]
                for second in range(first_second, 60):
                    publish = self._next_publish
                    ahead = wall0 + (publish - pub0) / speed - clock()
                    if ahead > _MIN_SLEEP_S:
                        await self._sleep(ahead)
                    for feed_id, expo, path, conf, ema_p, ema_c in minute:
                        yield make_update(feed_id, path[second], conf, expo, publish, ema_p, ema_c, "trading",
                                          "replay")
                    self._ticks += n_feeds
                    self._next_publish = publish + 1
                first_second = 0
                emas = [(ema_step(p, c.close), ema_step(ec, conf))
                        for (p, ec), c, conf in zip(emas, candles, confs, strict=True)]
            if not self._loop:
                return

    async def aclose(self) -> None:
        return None
