"""The perp markets QuantDesk lists, in program units (SPEC.md section 2), and
the price feed each settles on. One list: the paper venue's bootstrap and the
trading layer both read it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from quantdesk.market import FeedRegistry


@dataclass(frozen=True)
class MarketSpec:
    index: int
    symbol: str  # SOL-PERP
    feed_symbol: str  # SOL/USD
    base_decimals: int
    lot_size: int  # base units
    tick_size: int  # 1e-6 USD
    max_leverage: int
    initial_margin_ppm: int
    maintenance_margin_ppm: int
    taker_fee_ppm: int = 500  # 5 bps
    maker_fee_ppm: int = 200  # 2 bps
    spread_ppm: int = 300  # 3 bps either side of the oracle
    oracle_max_age_secs: int = 30
    max_conf_ppm: int = 10_000  # 1 %
    funding_interval_secs: int = 3600
    max_funding_rate: int = 100_000  # 0.01 % per hour at full imbalance (1e-9 units)

    def params(self, registry: FeedRegistry) -> dict[str, Any]:
        feed_id = bytes.fromhex(registry.get(self.feed_symbol).feed_id)
        return {"symbol": self.symbol, "pyth_feed_id": list(feed_id), "base_decimals": self.base_decimals,
                "max_leverage": self.max_leverage, "initial_margin_ppm": self.initial_margin_ppm,
                "maintenance_margin_ppm": self.maintenance_margin_ppm, "tick_size": self.tick_size,
                "lot_size": self.lot_size, "taker_fee_ppm": self.taker_fee_ppm, "maker_fee_ppm": self.maker_fee_ppm,
                "spread_ppm": self.spread_ppm, "oracle_max_age_secs": self.oracle_max_age_secs,
                "max_conf_ppm": self.max_conf_ppm, "funding_interval_secs": self.funding_interval_secs,
                "max_funding_rate": self.max_funding_rate}


MARKETS: tuple[MarketSpec, ...] = (
    MarketSpec(0, "SOL-PERP", "SOL/USD", base_decimals=9, lot_size=10_000_000, tick_size=1_000, max_leverage=20,
               initial_margin_ppm=50_000, maintenance_margin_ppm=25_000),
    MarketSpec(1, "BTC-PERP", "BTC/USD", base_decimals=8, lot_size=10_000, tick_size=100_000, max_leverage=20,
               initial_margin_ppm=50_000, maintenance_margin_ppm=25_000),
    MarketSpec(2, "ETH-PERP", "ETH/USD", base_decimals=8, lot_size=100_000, tick_size=10_000, max_leverage=20,
               initial_margin_ppm=50_000, maintenance_margin_ppm=25_000),
)


def market_by_symbol(symbol: str) -> MarketSpec:
    for spec in MARKETS:
        if spec.symbol == symbol:
            return spec
    raise KeyError(symbol)
