"""The perp markets the exchange lists: the table itself is :mod:`quantdesk.markets`;
this name stays for the exchange's (and its importers') existing imports."""

from __future__ import annotations

from quantdesk.markets import MARKETS, MarketSpec, market_by_symbol

__all__ = ["MARKETS", "MarketSpec", "market_by_symbol"]
