"""The one table of the perp markets QuantDesk lists.

Each entry says everything any layer needs about a market: its symbol (SOL-PERP), base
asset, the price feed it settles on (a symbol of ``quantdesk/market/data/feeds.json``,
where the Pyth ids live), its on-chain index and program parameters (SPEC.md section 2),
the precision of its prices and sizes, and the words a trader calls it by. Every other
list of markets, feeds or symbols is derived from :data:`MARKET_TABLE`: the paper venue's
bootstrap, the tools' JSON-schema enum, the parser's lexicon, risk's allowed markets,
the alert feed map, speech and the trader docs. Adding a market is one entry here (and
its feed in feeds.json).

Not to be confused with ``quantdesk.market``, the price data (sources, quality gate).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from quantdesk.units import USD_DECIMALS, from_units, plain

if TYPE_CHECKING:
    from quantdesk.market import FeedRegistry

__all__ = ["MARKETS", "MARKET_TABLE", "MarketSpec", "MarketTable", "market_by_symbol"]


@dataclass(frozen=True)
class MarketSpec:
    """One perp market. Integers are in program units: prices 10^-6 USD, sizes base units."""

    index: int
    symbol: str  # SOL-PERP
    feed_symbol: str  # SOL/USD
    base_decimals: int
    lot_size: int  # base units
    tick_size: int  # 1e-6 USD
    max_leverage: int
    initial_margin_ppm: int
    maintenance_margin_ppm: int
    # What a trader types for it (lower case, one word each; "SOL-PERP" arrives as "sol" "perp").
    aliases: tuple[str, ...] = ()
    spoken: str | None = None  # how speech says the base asset, if not its ticker (BTC -> "bitcoin")
    taker_fee_ppm: int = 500  # 5 bps
    maker_fee_ppm: int = 200  # 2 bps
    spread_ppm: int = 300  # 3 bps either side of the oracle
    oracle_max_age_secs: int = 30
    max_conf_ppm: int = 10_000  # 1 %
    funding_interval_secs: int = 3600
    max_funding_rate: int = 100_000  # 0.01 % per hour at full imbalance (1e-9 units)

    @property
    def base(self) -> str:
        """The base asset as a trader says it: SOL for SOL-PERP."""
        return self.symbol.removesuffix("-PERP")

    @property
    def lot(self) -> Decimal:
        """One lot in whole base units: 0.01 SOL."""
        return plain(self.lot_size, self.base_decimals)

    @property
    def tick(self) -> Decimal:
        """One tick in USD: 0.001 for SOL-PERP."""
        return plain(self.tick_size, USD_DECIMALS)

    @property
    def price_places(self) -> int:
        """Decimals of the tick (ticks are powers of ten): 3 for SOL-PERP."""
        return max(0, -self.tick.as_tuple().exponent)  # type: ignore[operator]

    @property
    def size_places(self) -> int:
        """Decimals of the lot: 2 for SOL-PERP."""
        return max(0, -self.lot.as_tuple().exponent)  # type: ignore[operator]

    def size(self, base_units: int) -> Decimal:
        """Base units in whole base units, exactly: 1_500_000_000 SOL units -> 1.500000000."""
        return from_units(base_units, self.base_decimals)

    def params(self, registry: FeedRegistry) -> dict[str, Any]:
        feed_id = bytes.fromhex(registry.get(self.feed_symbol).feed_id)
        return {"symbol": self.symbol, "pyth_feed_id": list(feed_id), "base_decimals": self.base_decimals,
                "max_leverage": self.max_leverage, "initial_margin_ppm": self.initial_margin_ppm,
                "maintenance_margin_ppm": self.maintenance_margin_ppm, "tick_size": self.tick_size,
                "lot_size": self.lot_size, "taker_fee_ppm": self.taker_fee_ppm, "maker_fee_ppm": self.maker_fee_ppm,
                "spread_ppm": self.spread_ppm, "oracle_max_age_secs": self.oracle_max_age_secs,
                "max_conf_ppm": self.max_conf_ppm, "funding_interval_secs": self.funding_interval_secs,
                "max_funding_rate": self.max_funding_rate}


@dataclass(frozen=True)
class MarketTable:
    """Markets in on-chain index order, and the lookups every layer derives from them.

    A table is a value: tests build one with an extra entry and pass it where the default
    would be used (``MarketTable(MARKET_TABLE.markets + (spec,))``)."""

    markets: tuple[MarketSpec, ...]
    _by_symbol: Mapping[str, MarketSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if [m.index for m in self.markets] != list(range(len(self.markets))):
            # The paper bootstrap lists markets by position: index i must be entry i.
            raise ValueError(f"market indexes must be 0..n-1 in order, got {[m.index for m in self.markets]}")
        for what, values in (("symbol", [m.symbol for m in self.markets]),
                             ("feed", [m.feed_symbol for m in self.markets]),
                             ("alias", [a for m in self.markets for a in m.aliases])):
            if len(set(values)) != len(values):
                raise ValueError(f"duplicated market {what} in {values}")
        for m in self.markets:
            if not m.symbol.endswith("-PERP") or any(a != a.lower() or not a.isalnum() for a in m.aliases):
                raise ValueError(f"{m.symbol}: symbols end in -PERP, aliases are lower-case words ({m.aliases})")
        object.__setattr__(self, "_by_symbol", MappingProxyType({m.symbol: m for m in self.markets}))

    def __iter__(self) -> Iterator[MarketSpec]:
        return iter(self.markets)

    def __len__(self) -> int:
        return len(self.markets)

    def get(self, symbol: str) -> MarketSpec:
        """The market called ``symbol``; KeyError if there is none."""
        return self._by_symbol[symbol]

    @cached_property
    def symbols(self) -> tuple[str, ...]:
        return tuple(self._by_symbol)

    @cached_property
    def feeds(self) -> Mapping[str, str]:
        """Market symbol -> the feed it settles on: SOL-PERP -> SOL/USD."""
        return MappingProxyType({m.symbol: m.feed_symbol for m in self.markets})

    @cached_property
    def aliases(self) -> Mapping[str, str]:
        """Every word a trader may call a market by -> its symbol: sol -> SOL-PERP."""
        return MappingProxyType({a: m.symbol for m in self.markets for a in m.aliases})

    @cached_property
    def bases(self) -> tuple[str, ...]:
        return tuple(m.base for m in self.markets)

    @cached_property
    def spoken(self) -> Mapping[str, str]:
        """Base asset -> how speech says it: BTC -> bitcoin, SOL -> SOL."""
        return MappingProxyType({m.base: m.spoken or m.base for m in self.markets})

    def literal(self) -> Any:
        """``Literal["SOL-PERP", ...]``: a pydantic field of this type validates and
        publishes its JSON-schema enum from the table."""
        return Literal[self.symbols]


MARKET_TABLE = MarketTable((
    MarketSpec(0, "SOL-PERP", "SOL/USD", base_decimals=9, lot_size=10_000_000, tick_size=1_000, max_leverage=20,
               initial_margin_ppm=50_000, maintenance_margin_ppm=25_000,
               aliases=("sol", "solana", "solperp")),
    MarketSpec(1, "BTC-PERP", "BTC/USD", base_decimals=8, lot_size=10_000, tick_size=100_000, max_leverage=20,
               initial_margin_ppm=50_000, maintenance_margin_ppm=25_000,
               aliases=("btc", "bitcoin", "xbt", "btcperp"), spoken="bitcoin"),
    MarketSpec(2, "ETH-PERP", "ETH/USD", base_decimals=8, lot_size=100_000, tick_size=10_000, max_leverage=20,
               initial_margin_ppm=50_000, maintenance_margin_ppm=25_000,
               aliases=("eth", "ether", "ethereum", "ethperp"), spoken="ether"),
))
MARKETS: tuple[MarketSpec, ...] = MARKET_TABLE.markets


def market_by_symbol(symbol: str) -> MarketSpec:
    """The listed market called ``symbol``; KeyError if there is none."""
    return MARKET_TABLE.get(symbol)
