"""The replay source: real Binance candles → deterministic tick paths, live
timestamps, configurable speed, looping; labelled as derived, never as Pyth."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest

from quantdesk.market import (
    REPLAY_DESCRIPTION,
    Candle,
    FeedRegistry,
    PriceUpdate,
    ReplaySource,
    default_replay_dir,
    derived_conf,
    read_candles,
    tick_path,
)
from tests.quantdesk.market.conftest import PRICES

UP = Candle(open_time=0, open=100, high=130, low=90, close=120)
DOWN = Candle(open_time=0, open=120, high=125, low=80, close=95)


@pytest.mark.parametrize("candle", [UP, DOWN], ids=["up", "down"])
def test_tick_path_reproduces_the_candle_exactly(candle: Candle) -> None:
    path = tick_path(candle)
    assert len(path) == 60
    assert (path[0], max(path), min(path), path[-1]) == (candle.open, candle.high, candle.low, candle.close)


def test_up_candle_visits_low_before_high_and_down_candle_the_reverse() -> None:
    up, down = tick_path(UP), tick_path(DOWN)
    assert up.index(UP.low) < up.index(UP.high)
    assert down.index(DOWN.high) < down.index(DOWN.low)


def test_confidence_is_half_the_range_and_never_zero() -> None:
    assert derived_conf(UP) == 20
    assert derived_conf(Candle(0, 5, 5, 5, 5)) == 1


def test_packaged_candles_are_the_shared_ones_read_exactly() -> None:
    packaged = default_replay_dir() / "binance_usdm_solusdt_perp_1m.csv.gz"
    assert packaged.read_bytes() == (PRICES / packaged.name).read_bytes()
    first = next(read_candles(packaged, -8))
    # 2025-05-04T15:33Z: 146.78 / 146.83 / 146.7 / 146.74 USDT
    assert first == Candle(1746372780, 14678000000, 14683000000, 14670000000, 14674000000)


class FakeTime:
    """A clock that only moves when the source sleeps."""

    def __init__(self, start: float) -> None:
        self.now = start
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def _take(source: ReplaySource, n: int) -> list[PriceUpdate]:
    out: list[PriceUpdate] = []
    async for u in source.session():
        out.append(u)
        if len(out) == n:
            break
    return out


async def test_replay_publishes_every_feed_each_second_starting_now(registry: FeedRegistry) -> None:
    t = FakeTime(1_800_000_000.25)  # second-of-minute 0
    source = ReplaySource(list(registry), default_replay_dir(), clock=t.clock, sleep=t.sleep)
    ticks = await _take(source, 3 * 90)
    assert [u.publish_time for u in ticks[:6]] == [1_800_000_000] * 3 + [1_800_000_001] * 3
    assert {u.feed_id for u in ticks[:3]} == {f.feed_id for f in registry}
    assert all(u.source == "replay" and u.expo == -8 for u in ticks)
    # at 1x, 90 seconds of market took 89 seconds of (fake) wall time: real time
    assert sum(t.slept) == pytest.approx(89, abs=0.01)
    sol = [u for u in ticks if u.feed_id == registry.get("SOL").feed_id]
    assert sol[0].price == 14678000000 and sol[59].price == 14674000000  # the first candle's open and close
    assert sol[0].ema_price is None and sol[60].ema_price == 14674000000  # EMA from the first close on


async def test_speed_compresses_wall_time(registry: FeedRegistry) -> None:
    t = FakeTime(1_800_000_000.0)
    source = ReplaySource(list(registry), default_replay_dir(), speed=60, clock=t.clock, sleep=t.sleep)
    await _take(source, 3 * 121)
    assert t.now - 1_800_000_000.0 == pytest.approx(2.0, abs=0.01)  # 120 s of market in 2 s


async def test_second_of_minute_follows_the_wall_clock(registry: FeedRegistry) -> None:
    t = FakeTime(1_800_000_017.9)  # 17 s into a minute
    source = ReplaySource(list(registry), default_replay_dir(), clock=t.clock, sleep=t.sleep)
    ticks = await _take(source, 3 * 43)
    sol = [u for u in ticks if u.feed_id == registry.get("SOL").feed_id]
    # second 17 of the first candle's path, and the next minute opens at the next candle's open
    assert sol[0].price == tick_path(next(read_candles(PRICES / "binance_usdm_solusdt_perp_1m.csv.gz", -8)))[17]
    assert sol[43 - 1].publish_time % 60 == 59 and sol[42].publish_time == 1_800_000_059


def _cut(src: Path, dst: Path, minutes: int) -> None:
    """The first ``minutes`` rows of a real candle file (a slice, values untouched)."""
    with gzip.open(src, "rt") as fh:
        lines = [next(fh) for _ in range(minutes + 1)]
    with gzip.open(dst, "wt") as out:
        out.writelines(lines)


@pytest.fixture()
def two_minute_data(tmp_path: Path, registry: FeedRegistry) -> Iterator[Path]:
    for feed in registry:
        _cut(PRICES / str(feed.replay_file), tmp_path / str(feed.replay_file), 2)
    yield tmp_path


async def test_without_loop_the_replay_ends_with_the_data(registry: FeedRegistry, two_minute_data: Path) -> None:
    t = FakeTime(1_800_000_000.0)
    source = ReplaySource(list(registry), two_minute_data, speed=1000, loop=False, clock=t.clock, sleep=t.sleep)
    ticks = [u async for u in source.session()]
    assert len(ticks) == 3 * 120 and not source.live


async def test_with_loop_the_data_starts_over_and_time_keeps_going(registry: FeedRegistry,
                                                                   two_minute_data: Path) -> None:
    t = FakeTime(1_800_000_000.0)
    source = ReplaySource(list(registry), two_minute_data, speed=1000, loop=True, clock=t.clock, sleep=t.sleep)
    ticks = await _take(source, 3 * 180)
    sol = [u for u in ticks if u.feed_id == registry.get("SOL").feed_id]
    assert sol[120].price == sol[0].price  # back to the first candle's open
    assert [u.publish_time for u in sol] == list(range(1_800_000_000, 1_800_000_180))
    assert source.stats()["passes"] == 2


def test_replay_is_labelled_as_derived_not_pyth(registry: FeedRegistry) -> None:
    source = ReplaySource(list(registry), default_replay_dir())
    assert source.name == "replay"
    assert "derived from Binance 1m candles" in source.description and "not Pyth data" in source.description
    assert source.description == REPLAY_DESCRIPTION


def test_missing_replay_file_is_reported_by_path(registry: FeedRegistry, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="binance_usdm_solusdt_perp_1m.csv.gz"):
        ReplaySource(list(registry), tmp_path)
