"""``GET /v1/events``: alerts and keeper fills pushed to API clients, for the key's
user only, read by a real SSE client, and resumed after an event id."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime
from decimal import Decimal

import httpx
from httpx_sse import connect_sse

from quantdesk.alerts import AlertStore
from quantdesk.exchange.paper import Keeper, open_paper
from tests.interfaces.api.conftest import ApiWorld
from tests.interfaces.api.test_auth import error
from tests.interfaces.api.test_tickets import ticket_for

STREAM = {"Accept": "text/event-stream"}


def fire(api: ApiWorld, user: str, thread: str, text: str) -> None:
    """An alert of ``user``'s firing, as the alert service fires it (the real store)."""
    store = AlertStore(api.db.pool)
    alert = store.create(user, thread, "price_cross", market="SOL-PERP", level=Decimal(1), direction="above")
    assert store.trigger(alert, text, datetime.now(UTC))


def read(source, count: int) -> list[tuple[str, str, dict]]:  # type: ignore[no-untyped-def]
    got = []
    for sse in source.iter_sse():
        got.append((sse.event, sse.id, json.loads(sse.data)))
        if len(got) == count:
            return got
    raise AssertionError(f"the stream ended after {got}")


def test_the_stream_pushes_the_users_own_alerts_and_resumes_after_an_event_id(api: ApiWorld, alice: str,
                                                                               bob: str) -> None:
    fire(api, "alice", "api:alice:before", "fired before the stream opened")
    with api.client(alice) as client, connect_sse(client, "GET", "/v1/events", headers=STREAM) as source:
        assert source.response.headers["content-type"].startswith("text/event-stream")
        fire(api, "bob", "api:bob:b1", "Alert #b: bob's")
        fire(api, "alice", "api:alice:a1", "Alert #1: SOL-PERP is at $146.78, above $1.")
        fire(api, "alice", "web:alice:0b1e", "Alert #2: from her web conversation")
        got = read(source, 2)
    assert [(name, data["text"]) for name, _, data in got] == [
        ("alert", "Alert #1: SOL-PERP is at $146.78, above $1."), ("alert", "Alert #2: from her web conversation")]
    assert [data["thread_id"] for _, _, data in got] == ["a1", "web:alice:0b1e"]
    # A client that saw only the first event resumes after it: the second, and nothing before.
    with api.client(alice, {"Last-Event-ID": got[0][1]}) as client:
        page = client.get("/v1/events").json()
        assert [e["data"]["text"] for e in page["events"]] == ["Alert #2: from her web conversation"]
        assert page["last_event_id"] == got[1][1]
    with api.client(alice, {"Last-Event-ID": got[1][1]}) as client:
        assert client.get("/v1/events").json()["events"] == []
    # The feed only reads: the alert still reaches its conversation's next turn.
    with api.client(alice) as client:
        run = client.post("/v1/threads/a1/runs", json={"message": "price sol"}).json()
    assert [e["data"]["text"] for e in run["events"] if e["event"] == "alert"] == [
        "Alert #1: SOL-PERP is at $146.78, above $1."]


def test_a_keeper_fill_of_a_stop_is_pushed_to_its_owner(api: ApiWorld, alice: str) -> None:
    with api.client(alice) as client:
        opened = ticket_for(client, "ev-stop", "long 1 SOL 2x")
        assert client.post(f"/v1/tickets/{opened['ticket_hash']}/approve").json()["status"] == "executed"
        price = Decimal(client.get("/v1/prices/SOL").json()["price"])
        above = (price * Decimal("1.02")).quantize(Decimal("0.01"))
        stop = ticket_for(client, "ev-stop", f"stop loss 0.5 sol at {above}")
        assert client.post(f"/v1/tickets/{stop['ticket_hash']}/approve").json()["status"] == "executed"
        with connect_sse(client, "GET", "/v1/events", headers=STREAM) as source:
            parts = open_paper(api.settings, api.db)
            keeper = Keeper(parts.executor, parts.keeper, parts.registry)
            keeper.ensure_account()
            assert keeper.run_once(int(time.time())).triggered == 1  # above the market: it triggers now
            [(name, event_id, data)] = read(source, 1)
    assert name == "fill"
    assert re.match(r"Your stop-loss #\d+ triggered and filled: sold 0\.5 SOL-PERP at \$", data["text"]), data
    with api.client(alice, {"Last-Event-ID": event_id}) as client:
        assert client.get("/v1/events").json()["events"] == []


def test_the_feed_needs_a_key_and_a_cursor_it_sent(api: ApiWorld, alice: str) -> None:
    error(httpx.get(f"{api.base}/v1/events"), 401, "unauthorized")
    with api.client(alice) as client:
        page = client.get("/v1/events").json()
        assert page["events"] == [] and re.fullmatch(r"\d+\.\d+\.[1-9A-Za-z]*\.\d+", page["last_event_id"])
        for bad in ("1:2", "x.1..0", "1.9999999999999999999.abc.0", "9999999999999999999.1.abc.0", "1.2.0OIl.3"):
            error(client.get("/v1/events", headers={"Last-Event-ID": bad}), 400, "invalid_last_event_id")
