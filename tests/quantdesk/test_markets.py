"""The one market table (quantdesk.markets): every list of markets, feeds and symbols
is derived from it, and adding a market is one entry."""

from __future__ import annotations

import ast
import dataclasses
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import get_args

import pytest
from pydantic import TypeAdapter, ValidationError, create_model
from solders.keypair import Keypair

from agent.parser import _lexicon as lexicon
from interfaces.api import speak
from knowledge import TABLES
from quantdesk.alerts import AlertStore, on_price
from quantdesk.db import Database
from quantdesk.exchange import PerpIdl
from quantdesk.exchange.paper import PaperExecutor, bootstrap
from quantdesk.market import Feed, FeedRegistry, PriceEvent, PriceUpdate
from quantdesk.markets import MARKET_TABLE, MARKETS, MarketSpec, MarketTable, market_by_symbol
from quantdesk.risk import ALL_MARKETS, RiskLimits
from quantdesk.trading import TradeRequestError, market_spec
from quantdesk.wallet import Signer
from tools import feed_symbol
from tools.schemas import Market, MarketArgs

ROOT = Path(__file__).resolve().parents[2]

# A fourth market, as one more entry would list it.
DOGE = MarketSpec(3, "DOGE-PERP", "DOGE/USD", base_decimals=8, lot_size=100_000_000, tick_size=1, max_leverage=10,
                  initial_margin_ppm=100_000, maintenance_margin_ppm=50_000, aliases=("doge", "dogecoin"),
                  spoken="doge")
DOGE_FEED = Feed(symbol="DOGE/USD", pyth_symbol="Crypto.DOGE/USD", feed_id="dc" * 32, expo=-8)
WITH_DOGE = MarketTable(MARKET_TABLE.markets + (DOGE,))


def test_the_listed_markets_are_sol_btc_and_eth_in_index_order() -> None:
    assert MARKET_TABLE.symbols == ("SOL-PERP", "BTC-PERP", "ETH-PERP")
    assert [m.index for m in MARKETS] == [0, 1, 2]
    assert dict(MARKET_TABLE.feeds) == {"SOL-PERP": "SOL/USD", "BTC-PERP": "BTC/USD", "ETH-PERP": "ETH/USD"}
    assert market_by_symbol("BTC-PERP").base == "BTC"


def test_every_market_settles_on_a_feed_of_the_registry() -> None:
    registry = FeedRegistry.load()
    for spec in MARKETS:
        assert registry.get(spec.feed_symbol).symbol == spec.feed_symbol


def test_every_layers_market_list_is_derived_from_the_table() -> None:
    assert get_args(Market) == MARKET_TABLE.symbols
    assert MarketArgs.model_json_schema()["properties"]["market"]["enum"] == list(MARKET_TABLE.symbols)
    assert lexicon.MARKET_ALIASES is MARKET_TABLE.aliases
    assert lexicon.ALL_MARKETS is MARKET_TABLE.symbols
    assert ALL_MARKETS == frozenset(MARKET_TABLE.symbols) == RiskLimits.model_fields["allowed_markets"].default
    assert [feed_symbol(m) for m in MARKET_TABLE.symbols] == [m.feed_symbol for m in MARKETS]
    assert {k for k in TABLES if k.startswith("market:")} == {f"market:{m}" for m in MARKET_TABLE.symbols}


def test_the_parser_knows_each_market_by_its_aliases() -> None:
    assert dict(lexicon.MARKET_ALIASES) == {
        "sol": "SOL-PERP", "solana": "SOL-PERP", "solperp": "SOL-PERP",
        "btc": "BTC-PERP", "bitcoin": "BTC-PERP", "xbt": "BTC-PERP", "btcperp": "BTC-PERP",
        "eth": "ETH-PERP", "ether": "ETH-PERP", "ethereum": "ETH-PERP", "ethperp": "ETH-PERP",
    }
    assert lexicon.MARKET_TICKERS == {"sol", "btc", "eth"}


def test_an_unknown_market_names_the_listed_ones() -> None:
    with pytest.raises(TradeRequestError, match="markets are SOL-PERP, BTC-PERP, ETH-PERP"):
        market_spec("DOGE-PERP")
    with pytest.raises(ValidationError):
        MarketArgs.model_validate({"market": "DOGE-PERP"})


def test_speech_says_each_market_by_its_spoken_name() -> None:
    assert speak("BTC-PERP and ETH/USD and SOL-PERP") == "bitcoin perp and ether and SOL perp"


# --- adding a market ---------------------------------------------------------------------


def test_an_added_market_is_in_the_tools_enum_and_validates() -> None:
    args = create_model("DogeMarketArgs", market=(WITH_DOGE.literal(), ...))
    assert args.model_json_schema()["properties"]["market"]["enum"] == [*MARKET_TABLE.symbols, "DOGE-PERP"]
    assert args(market="DOGE-PERP").market == "DOGE-PERP"  # type: ignore[attr-defined]
    assert TypeAdapter(WITH_DOGE.literal()).validate_python("SOL-PERP") == "SOL-PERP"


def test_an_added_market_is_in_the_lexicon_risk_and_feed_maps() -> None:
    assert WITH_DOGE.aliases["dogecoin"] == "DOGE-PERP"
    assert {a: s for a, s in WITH_DOGE.aliases.items() if s != "DOGE-PERP"} == dict(MARKET_TABLE.aliases)
    assert WITH_DOGE.symbols[-1] == "DOGE-PERP" and "DOGE-PERP" in frozenset(WITH_DOGE.symbols)
    assert WITH_DOGE.feeds["DOGE-PERP"] == "DOGE/USD"
    assert WITH_DOGE.spoken["DOGE"] == "doge"
    assert WITH_DOGE.get("DOGE-PERP").price_places == 6 and WITH_DOGE.get("DOGE-PERP").size_places == 0


async def test_an_added_markets_price_alert_fires_on_its_feed(fresh_database: Database) -> None:
    store = AlertStore(fresh_database.pool)
    alert = store.create("alice", "t-doge", "price_cross", market="DOGE-PERP", level=Decimal("0.5"),
                         direction="above")
    event = PriceEvent("DOGE/USD", PriceUpdate(feed_id=DOGE_FEED.feed_id, price=51_000_000, conf=1, expo=-8,
                                               publish_time=1, source="hermes"))
    now = datetime(2026, 12, 1, tzinfo=UTC)
    assert await on_price(store, event, now) == [], "the listed table has no DOGE-PERP"
    fired = await on_price(store, event, now, markets=WITH_DOGE)
    assert [a.id for a in fired] == [alert.id]


def test_the_paper_exchange_lists_an_added_market(fresh_database: Database) -> None:
    registry = FeedRegistry([*FeedRegistry.load(), DOGE_FEED])
    executor = PaperExecutor(fresh_database.pool, PerpIdl.load(), registry, lambda: datetime(2026, 12, 1, tzinfo=UTC))
    assert bootstrap(executor, Signer(Keypair()), registry, markets=WITH_DOGE.markets)
    (*_, doge) = executor.state().markets
    assert [m.params.symbol for m in executor.state().markets] == list(WITH_DOGE.symbols)
    assert (doge.params.lot_size, doge.params.tick_size, doge.params.max_leverage) == (100_000_000, 1, 10)
    assert bytes(doge.params.pyth_feed_id).hex() == DOGE_FEED.feed_id


# --- the table refuses what would break a derivation ---------------------------------------


@pytest.mark.parametrize(("change", "message"), [
    ({"index": 5}, "indexes must be 0..n-1"),
    ({"symbol": "SOL-PERP"}, "duplicated market symbol"),
    ({"feed_symbol": "SOL/USD"}, "duplicated market feed"),
    ({"aliases": ("doge", "sol")}, "duplicated market alias"),
    ({"aliases": ("Doge",)}, "aliases are lower-case words"),
    ({"symbol": "DOGE"}, "symbols end in -PERP"),
])
def test_a_table_refuses_an_entry_that_clashes(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MarketTable(MARKET_TABLE.markets + (dataclasses.replace(DOGE, **change),))  # type: ignore[arg-type]


# --- no second list ------------------------------------------------------------------------

# Per-market data that is not a list of the markets: example prices of the trader docs'
# worked examples (a market without one has no fill-price example row).
_NOT_LISTS = {"knowledge/_worked.py"}


def _literal_collections(tree: ast.AST) -> list[set[str]]:
    found = []
    for node in ast.walk(tree):
        items = node.keys if isinstance(node, ast.Dict) else node.elts if isinstance(
            node, ast.List | ast.Tuple | ast.Set) else []
        found.append({i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)})
    return found


def _names(spec: MarketSpec) -> set[str]:
    return {spec.symbol.lower(), spec.feed_symbol.lower(), spec.base.lower(), *spec.aliases}


def _markets_named(strings: set[str]) -> set[str]:
    """The listed markets these strings name: by symbol, feed, ticker or alias, in any case
    ("sol", "BTC", "ETH/USD"), or as a key that embeds a symbol ("market:SOL-PERP")."""
    return {spec.symbol for spec in MARKETS for text in strings
            if text.lower() in _names(spec) or spec.symbol in text}


def test_no_module_but_the_table_lists_the_markets() -> None:
    offenders = []
    for folder in ("quantdesk", "tools", "agent", "interfaces", "knowledge"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            name = str(path.relative_to(ROOT))
            if name in _NOT_LISTS or name == "quantdesk/markets.py":
                continue
            for strings in _literal_collections(ast.parse(path.read_text())):
                if len(named := _markets_named(strings)) >= 2:
                    offenders.append(f"{name}: {sorted(named)} in {sorted(strings)[:6]}")
    assert offenders == []


def test_the_guard_sees_a_second_list_however_it_is_spelled() -> None:
    for source in ('Market = Literal["SOL-PERP", "BTC-PERP", "ETH-PERP"]', '_FEED = {"SOL-PERP": "SOL/USD", "x": 1, '
                   '"BTC-PERP": "BTC/USD"}', 'WORDS = frozenset({"buy", "sol", "btc"})', 'B = {"BTC": "bitcoin", '
                   '"ETH": "ether"}', 'T = {"market:SOL-PERP": 1, "market:ETH-PERP": 2}'):
        assert any(len(_markets_named(s)) >= 2 for s in _literal_collections(ast.parse(source))), source
