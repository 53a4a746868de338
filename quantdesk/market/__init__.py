"""Market data: Pyth prices from three interchangeable sources, a quality gate,
the latest-price book and in-process price events.

    registry = FeedRegistry.load()
    gate = QualityGate.from_settings(settings)
    source = make_source(settings, registry)          # hermes | onchain | replay
    async for update in resilient_updates(source, breaker): book.update(update)
    book.get("SOL/USD")                               # GatedPrice, or StalePrice / WidePrice / PriceHalted

Prices are Pyth integers with an exponent; ``Decimal`` only at the edges.
"""

from quantdesk.market._book import PriceBook, PriceReader
from quantdesk.market._errors import (
    DecodeError,
    PriceHalted,
    PriceQualityError,
    PriceUnavailable,
    RateLimited,
    SourceAuthError,
    SourceError,
    StalePrice,
    WidePrice,
)
from quantdesk.market._events import PriceBus, PriceEvent, Subscription
from quantdesk.market._factory import make_source
from quantdesk.market._hermes import HermesSource
from quantdesk.market._hermes_parse import parse_price_update_json, parse_price_updates
from quantdesk.market._onchain import OnchainSource
from quantdesk.market._pyth_accounts import (
    LegacyPriceAccount,
    PriceUpdateV2Account,
    decode_legacy_price,
    decode_price_account,
    decode_price_update_v2,
)
from quantdesk.market._quality import QualityGate
from quantdesk.market._registry import Feed, FeedRegistry, default_replay_dir, normalize_feed_id
from quantdesk.market._replay import REPLAY_DESCRIPTION, ReplaySource
from quantdesk.market._replay_data import Candle, derived_conf, read_candles, tick_path
from quantdesk.market._resilience import Backoff, BreakerState, CircuitBreaker, resilient_updates
from quantdesk.market._source import PriceSource
from quantdesk.market._types import (
    ANY_QUALITY,
    TRADABLE,
    GatedPrice,
    PriceStatus,
    PriceUpdate,
    Quality,
    make_update,
    scaled,
)

__all__ = [
    "ANY_QUALITY",
    "REPLAY_DESCRIPTION",
    "TRADABLE",
    "Backoff",
    "BreakerState",
    "Candle",
    "CircuitBreaker",
    "DecodeError",
    "Feed",
    "FeedRegistry",
    "GatedPrice",
    "HermesSource",
    "LegacyPriceAccount",
    "OnchainSource",
    "PriceBook",
    "PriceBus",
    "PriceEvent",
    "PriceHalted",
    "PriceQualityError",
    "PriceReader",
    "PriceSource",
    "PriceStatus",
    "PriceUnavailable",
    "PriceUpdate",
    "PriceUpdateV2Account",
    "QualityGate",
    "Quality",
    "RateLimited",
    "ReplaySource",
    "SourceAuthError",
    "SourceError",
    "StalePrice",
    "Subscription",
    "WidePrice",
    "decode_legacy_price",
    "decode_price_account",
    "decode_price_update_v2",
    "default_replay_dir",
    "derived_conf",
    "make_source",
    "normalize_feed_id",
    "parse_price_update_json",
    "parse_price_updates",
    "read_candles",
    "resilient_updates",
    "scaled",
    "tick_path",
    "make_update",
]
