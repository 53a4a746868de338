"""The quality gate: is this price good enough to quote or trade on?

Order of verdicts when several apply: halted (the publishers do not vouch for
it) beats stale (it is old, or its source is down) beats wide (too uncertain).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from quantdesk.config import Settings
from quantdesk.market._errors import PriceHalted, PriceQualityError, StalePrice, WidePrice
from quantdesk.market._types import TRADABLE, GatedPrice, PriceUpdate, Quality

__all__ = ["QualityGate"]


def _pct(ratio: Decimal) -> str:
    return f"{(ratio * 100).quantize(Decimal('0.001'))}%"


@dataclass(frozen=True)
class QualityGate:
    """Classifies prices as ok / stale / wide / halted against two limits."""

    max_age_s: int
    max_conf_ratio: Decimal

    @classmethod
    def from_settings(cls, settings: Settings) -> QualityGate:
        return cls(max_age_s=settings.price_max_age_s, max_conf_ratio=settings.price_max_conf_ratio)

    def assess(self, symbol: str, update: PriceUpdate, *, now: float, source_down: str | None = None) -> GatedPrice:
        """The verdict on ``update`` at time ``now`` (Unix seconds).

        ``source_down`` is the reason the source is known to be failing (circuit
        open); such a price counts as stale whatever its age, because nothing
        newer can arrive.
        """
        # A publish time slightly ahead of our clock (skew, fast replay) counts as age 0.
        age_s = max(0, math.floor(now) - update.publish_time)
        conf_ratio = Decimal(update.conf) / Decimal(update.price) if update.price > 0 else None
        if update.status != "trading" or update.price <= 0:
            why = f"Pyth status {update.status}" if update.status != "trading" else f"no valid price ({update.value})"
            return GatedPrice(symbol, update, Quality.HALTED, age_s, conf_ratio, why)
        if source_down is not None:
            return GatedPrice(symbol, update, Quality.STALE, age_s, conf_ratio,
                              f"price source down ({source_down}); last published {age_s}s ago")
        if age_s > self.max_age_s:
            return GatedPrice(symbol, update, Quality.STALE, age_s, conf_ratio,
                              f"published {age_s}s ago, limit {self.max_age_s}s (over by {age_s - self.max_age_s}s)")
        assert conf_ratio is not None
        if conf_ratio > self.max_conf_ratio:
            return GatedPrice(symbol, update, Quality.WIDE, age_s, conf_ratio,
                              f"confidence is {_pct(conf_ratio)} of price, limit {_pct(self.max_conf_ratio)} "
                              f"(over by {_pct(conf_ratio - self.max_conf_ratio)})")
        return GatedPrice(symbol, update, Quality.OK, age_s, conf_ratio, "ok")

    def require(
        self,
        symbol: str,
        update: PriceUpdate,
        *,
        now: float,
        accept: frozenset[Quality] = TRADABLE,
        source_down: str | None = None,
    ) -> GatedPrice:
        """The gated price if its quality is in ``accept``; otherwise raise the
        matching :class:`PriceQualityError` with a message a trader can act on.
        An ``ok`` price is always accepted."""
        gated = self.assess(symbol, update, now=now, source_down=source_down)
        if gated.quality is Quality.OK or gated.quality in accept:
            return gated
        raise self.refusal(gated)

    def refusal(self, gated: GatedPrice) -> PriceQualityError:
        """The error that explains why ``gated`` cannot be used for quoting or trading."""
        u, sym = gated.update, gated.symbol
        when = datetime.fromtimestamp(u.publish_time, UTC).isoformat(timespec="seconds")
        if gated.quality is Quality.HALTED:
            return PriceHalted(f"{sym} price is halted ({gated.reason}); not quoting or trading until the "
                               "feed resumes trading.", symbol=sym)
        if gated.quality is Quality.STALE:
            return StalePrice(
                f"{sym} price is stale: {gated.reason} (published {when}). Not quoting or trading on it; "
                "retry when the feed recovers (see `quantdesk ingest status`).",
                symbol=sym, age_s=gated.age_s, max_age_s=self.max_age_s)
        assert gated.conf_ratio is not None
        return WidePrice(
            f"{sym} price is too uncertain: ±{u.conf_value} on {u.value} — {gated.reason}. Not quoting or "
            "trading on it; wait for the market to settle.",
            symbol=sym, conf_ratio=gated.conf_ratio, max_conf_ratio=self.max_conf_ratio)
