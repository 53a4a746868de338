"""Worlds for market-data tests: the real recorded bytes and bodies from
shared/data, registries built around them, and a clean market schema."""

from __future__ import annotations

import base64
import json
import socket
from collections.abc import Iterator

import pytest

from quantdesk.db import Database
from quantdesk.market import Feed, FeedRegistry
from tests.conftest import SHARED_DATA

HERMES = SHARED_DATA / "hermes"
ACCOUNTS = SHARED_DATA / "pyth_accounts"
PRICES = SHARED_DATA / "prices"

SOL = "ef0d8b6fda2ceba41da15d4095d1da392a0d2f8ed0c6c7bc0f4cfac8c280b56d"
BTC = "e62df6c8b4a85fe1a67db44dc12de5db330f7ac66b72dc658afedf0f4a415b43"
ETH = "ff61491a931112ddf1bd8147cd1b641375f79f5825126d665480874634fd0ace"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def v2_account(prefix: str) -> tuple[str, bytes]:
    """(address, bytes) of the PriceUpdateV2 fixture whose file name starts with ``prefix``."""
    [path] = sorted((ACCOUNTS / "price_update_v2").glob(f"{prefix}*.b64"))
    address = path.stem.split("_")[2]
    return address, base64.b64decode(path.read_text().strip())


def legacy_account(prefix: str) -> tuple[str, bytes]:
    [path] = sorted((ACCOUNTS / "legacy_push").glob(f"{prefix}*.bin"))
    return path.stem.split("_")[-1], path.read_bytes()


def eth_updates_x3() -> list[dict]:
    """Three consecutive real Hermes update objects for ETH/USD (SSE ``data:`` shaped)."""
    return json.loads((HERMES / "v2_price_updates_eth_usd_1760551460_x3.json").read_text())


def btc_latest_body() -> dict:
    return json.loads((HERMES / "v2_updates_price_btc_usd_1708363256.json").read_text())


@pytest.fixture(scope="session")
def registry() -> FeedRegistry:
    return FeedRegistry.load()


@pytest.fixture()
def aapl_registry() -> FeedRegistry:
    """A world with the one current-layout legacy push account we hold real bytes for
    (AAPL/USD, expo -5). Legacy accounts carry no feed id, so this world's id is only a label."""
    address, _ = legacy_account("aapl")
    return FeedRegistry([Feed(symbol="AAPL/USD", pyth_symbol="Equity.US.AAPL/USD", feed_id="aa" * 32, expo=-5,
                              price_account=address)])


@pytest.fixture()
def clean_market(database: Database) -> Iterator[Database]:
    """The session database with empty market tables."""
    with database.connect(autocommit=True) as conn:
        conn.execute("TRUNCATE price_ticks, price_candles, ingest_status, price_feeds")
    yield database
