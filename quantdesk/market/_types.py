"""Value types of the market-data layer: a price update as a source reports it,
and its quality as the gate judges it. Prices are Pyth's integers with an
exponent; :class:`~decimal.Decimal` appears only when a caller asks for a value.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

__all__ = ["PriceStatus", "PriceUpdate", "Quality", "GatedPrice", "TRADABLE", "ANY_QUALITY", "scaled"]

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
