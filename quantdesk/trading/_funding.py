"""A market's funding as a trader reads it: the last settled rate, the next one at the
current open-interest imbalance (the engine's own formula), who pays, and when."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from quantdesk.engine import State, funding_rate
from quantdesk.exchange import MarketSpec
from quantdesk.units import FUNDING_PCT_DECIMALS, from_units


@dataclass(frozen=True)
class FundingOutlook:
    last_rate_pct: Decimal  # per interval
    next_rate_pct: Decimal
    interval_s: int
    due_in_s: int

    @property
    def payer(self) -> str:
        if self.next_rate_pct > 0:
            return "longs pay shorts"
        return "shorts pay longs" if self.next_rate_pct < 0 else "no one pays"


def funding_outlook(state: State, spec: MarketSpec, now_s: int) -> FundingOutlook:
    market = state.markets[spec.index]
    interval = market.params.funding_interval_secs
    # Rates are 10^-9 per interval on the exchange: 10^-7 of them is a percent.
    return FundingOutlook(last_rate_pct=from_units(market.last_funding_rate, FUNDING_PCT_DECIMALS),
                          next_rate_pct=from_units(funding_rate(market), FUNDING_PCT_DECIMALS), interval_s=interval,
                          due_in_s=max(0, market.last_funding_ts + interval - now_s))
