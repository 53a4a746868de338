"""Reads: positions, orders, account and prices are the agent's own read tools'
numbers, per user; /healthz is the process, /readyz the database and prices."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from quantdesk.db import Database
from tests.interfaces.api.conftest import ApiWorld, api_settings, own_database, serving, store_prices
from tests.interfaces.api.test_auth import error
from tests.interfaces.api.test_tickets import ticket_for


def test_a_price_has_its_confidence_age_and_quality(api: ApiWorld, alice: str) -> None:
    with api.client(alice) as client:
        for symbol in ("SOL", "sol-perp", "SOL-USD", "SOLUSD"):
            price = client.get(f"/v1/prices/{symbol}").json()
            assert (price["market"], price["symbol"], price["price"], price["conf"], price["quality"]) == (
                "SOL-PERP", "SOL/USD", "146.78500000", "0.09000000", "ok")
            assert price["age_s"] >= 0 and price["source"] == "hermes"
        assert "markets are SOL-PERP, BTC-PERP, ETH-PERP" in error(client.get("/v1/prices/DOGE"), 404, "not_found")


def test_positions_orders_and_account_are_the_callers_own(api: ApiWorld) -> None:
    carol, dave = api.key("carol"), api.key("dave")
    with api.client(carol) as client:
        assert client.get("/v1/positions").json() == {"positions": []}
        ticket = ticket_for(client, "t-reads", "long 2 SOL 3x")
        assert client.post(f"/v1/tickets/{ticket['ticket_hash']}/approve").json()["status"] == "executed"
        resting = ticket_for(client, "t-reads", "buy 1 SOL limit 100 2x")
        assert client.post(f"/v1/tickets/{resting['ticket_hash']}/approve").json()["status"] == "executed"
        [position] = client.get("/v1/positions").json()["positions"]
        [order] = client.get("/v1/orders").json()["orders"]
        account = client.get("/v1/account").json()["account"]
        assert client.get("/v1/positions", params={"market": "BTC-PERP"}).json() == {"positions": []}
        assert error(client.get("/v1/positions", params={"market": "DOGE"}), 422, "invalid_request")
    assert (position["market"], position["side"], position["size"], position["leverage"] is not None) == (
        "SOL-PERP", "long", "2", True)
    assert position["liquidation_price"] and position["mark_price"] == "146.785000"
    assert (order["market"], order["kind"], order["side"], order["size"], order["price"], order["reduce_only"]) == (
        "SOL-PERP", "limit", "buy", "1", "100.000000", False)
    assert order["trigger_price"] is None  # missing stays missing (not the text "None")
    assert set(account) >= {"equity", "free_collateral", "margin_locked", "margin_ratio_pct", "leverage"}
    with api.client(dave) as client:
        assert client.get("/v1/positions").json() == {"positions": []}
        assert client.get("/v1/orders").json() == {"orders": []}


def test_healthz_is_the_process_and_readyz_the_database_and_fresh_prices(api: ApiWorld, database: Database,
                                                                          tmp_path: Path) -> None:
    with api.client(None) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")
        assert ready.status_code == 200, ready.text
        assert ready.json()["database"] == "ok" and ready.json()["prices"]["SOL-PERP"]["fresh"] is True
    with own_database(database) as db:
        store_prices(db.url, publish_time=int(time.time()) - 120)
        with serving(api_settings(tmp_path / "data", db, price_max_age_s=30)) as base:
            stale = httpx.get(f"{base}/readyz")
            assert httpx.get(f"{base}/healthz").status_code == 200
    assert stale.status_code == 503 and stale.json()["ready"] is False and stale.json()["database"] == "ok"
    assert stale.json()["prices"]["SOL-PERP"]["fresh"] is False and stale.json()["prices"]["SOL-PERP"]["age_s"] >= 120
