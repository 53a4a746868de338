"""Market-data errors, under :class:`quantdesk.errors.MarketDataError`.

    MarketDataError
    ├── PriceUnavailable      no price for that symbol (unknown symbol, nothing received yet)
    ├── PriceQualityError     a price exists but is not good enough for the caller
    │   ├── StalePrice        older than the max age (or its source is down)
    │   ├── WidePrice         confidence/price above the max ratio
    │   └── PriceHalted       the publisher network does not vouch for it
    ├── DecodeError           bytes or a body from a source do not parse
    └── SourceError           a price source failed (network, HTTP status, RPC error)
        ├── RateLimited       the source said 429; carries Retry-After
        └── SourceAuthError   the source refused our credentials (permanent until fixed)

Messages say what failed, the limit, the value and what to do.
"""

from __future__ import annotations

from decimal import Decimal

from quantdesk.errors import MarketDataError

__all__ = [
    "PriceUnavailable",
    "PriceQualityError",
    "StalePrice",
    "WidePrice",
    "PriceHalted",
    "DecodeError",
    "SourceError",
    "RateLimited",
    "SourceAuthError",
]


class PriceUnavailable(MarketDataError):
    """No price is known for the symbol."""


class PriceQualityError(MarketDataError):
    """A price exists but fails the caller's required quality."""

    def __init__(self, message: str, *, symbol: str) -> None:
        super().__init__(message)
        self.symbol = symbol


class StalePrice(PriceQualityError):
    """The price is older than allowed, or its source is known to be down."""

    def __init__(self, message: str, *, symbol: str, age_s: int, max_age_s: int) -> None:
        super().__init__(message, symbol=symbol)
        self.age_s = age_s
        self.max_age_s = max_age_s


class WidePrice(PriceQualityError):
    """The confidence interval is too wide relative to the price."""

    def __init__(self, message: str, *, symbol: str, conf_ratio: Decimal, max_conf_ratio: Decimal) -> None:
        super().__init__(message, symbol=symbol)
        self.conf_ratio = conf_ratio
        self.max_conf_ratio = max_conf_ratio


class PriceHalted(PriceQualityError):
    """The feed is not trading (Pyth status other than trading, or no valid price)."""


class DecodeError(MarketDataError):
    """Account bytes or a response body do not have the expected layout."""


class SourceError(MarketDataError):
    """A price source failed. ``permanent`` failures (bad config, bad key) open the
    circuit breaker at once instead of being retried quickly."""

    def __init__(self, message: str, *, permanent: bool = False, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after_s = retry_after_s


class RateLimited(SourceError):
    """HTTP 429 from the source; wait at least ``retry_after_s`` before trying again."""


class SourceAuthError(SourceError):
    """The source rejected the request as unauthorised (missing or wrong API key)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)
