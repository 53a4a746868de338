"""Value types of the market-data layer: a price update as a source reports it,
and its quality as the gate judges it. Prices are Pyth's integers with an
exponent; :class:`~decimal.Decimal` appears only when a caller asks for a value.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Literal

__all__ = ["PriceStatus", "PriceUpdate", "Quality", "GatedPrice", "TRADABLE", "ANY_QUALITY", "scaled", "make_update"]

# Pyth's aggregate status names (legacy push accounts carry them; Hermes and
# PriceUpdateV2 only ever publish trading aggregates).
PriceStatus = Literal["trading", "halted", "auction", "unknown", "ignored"]


def scaled(value: int, expo: int) -> Decimal:
    """``value * 10**expo`` exactly."""
    return Decimal(value).scaleb(expo)


@dataclass(frozen=True, slots=True)
class PriceUpdate:
    """One price for one feed at one publish time, exactly as the source gave it.

    ``feed_id`` is the 32-byte Pyth feed id as 64 lowercase hex characters (no 0x).
    ``price``/``conf``/``ema_*`` are integers at exponent ``expo``; ``publish_time``
    is Unix seconds. ``source`` names the source kind ("hermes", "onchain", "replay").
    """

    feed_id: str
    price: int
    conf: int
    expo: int
    publish_time: int
    ema_price: int | None = None
    ema_conf: int | None = None
    status: PriceStatus = "trading"
    source: str = ""
    slot: int | None = None

    @property
    def value(self) -> Decimal:
        return scaled(self.price, self.expo)

    @property
    def conf_value(self) -> Decimal:
        return scaled(self.conf, self.expo)

    @property
    def ema_value(self) -> Decimal | None:
        return None if self.ema_price is None else scaled(self.ema_price, self.expo)


def _update_maker() -> Callable[..., PriceUpdate]:
    # A frozen dataclass's generated __init__ goes through object.__setattr__ once per field
    # (~0.8 µs for ten fields); the slot descriptors' own setters do the same stores in about
    # half that. Sources call this once per tick, so it is worth the indirection.
    names = ("feed_id", "price", "conf", "expo", "publish_time", "ema_price", "ema_conf", "status", "source", "slot")
    if tuple(f.name for f in fields(PriceUpdate)) != names:
        raise RuntimeError("make_update is out of step with PriceUpdate's fields; update both together")
    s0, s1, s2, s3, s4, s5, s6, s7, s8, s9 = (PriceUpdate.__dict__[n].__set__ for n in names)
    new = object.__new__

    def make_update(feed_id: str, price: int, conf: int, expo: int, publish_time: int, ema_price: int | None,
                    ema_conf: int | None, status: PriceStatus, source: str, slot: int | None = None) -> PriceUpdate:
        u = new(PriceUpdate)
        s0(u, feed_id)
        s1(u, price)
        s2(u, conf)
        s3(u, expo)
        s4(u, publish_time)
        s5(u, ema_price)
        s6(u, ema_conf)
        s7(u, status)
        s8(u, source)
        s9(u, slot)
        return u

    return make_update


make_update = _update_maker()
"""``PriceUpdate(...)`` with every field positional, for sources' hot loops: the same object, built faster."""


class Quality(str, enum.Enum):
    """What the gate thinks of a price."""

    OK = "ok"
    STALE = "stale"
    WIDE = "wide"
    HALTED = "halted"


TRADABLE: frozenset[Quality] = frozenset({Quality.OK})
"""What quoting and trading accept: only ``ok`` prices."""

ANY_QUALITY: frozenset[Quality] = frozenset(Quality)
"""For display: any price, with its quality shown next to it."""


@dataclass(frozen=True, slots=True)
class GatedPrice:
    """A price with the gate's verdict at the moment it was asked for."""

    symbol: str
    update: PriceUpdate
    quality: Quality
    age_s: int
    conf_ratio: Decimal | None
    reason: str

    @property
    def price(self) -> Decimal:
        return self.update.value

    @property
    def conf(self) -> Decimal:
        return self.update.conf_value
