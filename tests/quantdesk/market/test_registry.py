"""The feed registry: one file, Pyth's real ids, forgiving symbol lookup."""

from __future__ import annotations

import json

import pytest

from quantdesk.market import FeedRegistry, PriceUnavailable, default_replay_dir
from tests.quantdesk.market.conftest import HERMES


def test_packaged_registry_holds_pyths_real_ids_and_sponsored_accounts(registry: FeedRegistry) -> None:
    recorded = json.loads((HERMES / "feed_ids.json").read_text())["feeds"]
    assert registry.symbols == ["SOL/USD", "BTC/USD", "ETH/USD"]
    for symbol, fact in recorded.items():
        feed = registry.get(symbol)
        assert feed.feed_id == fact["id"]
        assert feed.price_account == fact["solana_sponsored_price_feed_account"]
        assert feed.expo == -8


def test_every_registry_feed_has_its_replay_candles_packaged(registry: FeedRegistry) -> None:
    for feed in registry:
        assert feed.replay_file and (default_replay_dir() / feed.replay_file).is_file()


@pytest.mark.parametrize("asked", ["SOL/USD", "sol", "SOL-PERP", "solusd", " Sol/usd "])
def test_symbols_are_found_however_a_trader_writes_them(registry: FeedRegistry, asked: str) -> None:
    assert registry.get(asked).symbol == "SOL/USD"


def test_unknown_symbol_names_the_known_ones(registry: FeedRegistry) -> None:
    with pytest.raises(PriceUnavailable, match="no price feed for 'DOGE'.*SOL/USD, BTC/USD, ETH/USD"):
        registry.get("DOGE")


def test_lookup_by_feed_id(registry: FeedRegistry) -> None:
    feed = registry.get("ETH")
    assert registry.by_feed_id(feed.feed_id) is feed
    assert registry.by_feed_id("00" * 32) is None
