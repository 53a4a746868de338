"""Alerts: set and listed through MIKEY, fired by price events, delivered on the
trader's thread at their next message; scoped to their owner."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from agent import ChatSession, GraphDeps, build_graph, open_checkpointer
from quantdesk.alerts import AlertStore, on_price
from quantdesk.audit import AuditLog
from quantdesk.db import Database
from quantdesk.market import FeedRegistry, PriceEvent, PriceUpdate
from quantdesk.tickets import TicketStore
from tests.agent.graph.conftest import TradeWorld, collect
from tests.conftest import until_listening
from tools import Toolbox, ToolContext, alert_handlers


@pytest.fixture
async def alert_world(fresh_database: Database,
                      clock: Callable[[], datetime]) -> AsyncIterator[tuple[ChatSession, AlertStore]]:
    store = AlertStore(fresh_database.pool)
    audit = AuditLog(fresh_database.pool)
    deps = GraphDeps(toolbox=Toolbox(alert_handlers(store)), tickets=TicketStore(fresh_database.pool),
                     audit=audit, clock=clock)
    async with open_checkpointer(fresh_database) as saver:
        yield ChatSession(build_graph(deps, saver), audit, clock, notifications=store.take_pending), store


def _sol(price: int) -> PriceEvent:
    feed = FeedRegistry.load().get("SOL/USD")
    return PriceEvent("SOL/USD", PriceUpdate(feed_id=feed.feed_id, price=price, conf=1, expo=-8,
                                             publish_time=1, source="hermes"))


async def test_a_price_alert_fires_once_and_is_delivered_on_the_thread(
        alert_world: tuple[ChatSession, AlertStore], clock: Callable[[], datetime]) -> None:
    session, store = alert_world
    thread = f"t-{uuid.uuid4().hex[:8]}"
    events = await collect(session.send(thread, "alice", "alert me when sol goes above 200"))
    assert "Alert set #" in events[-1].data["text"] and "SOL-PERP crosses above 200" in events[-1].data["text"]
    listed = await collect(session.send(thread, "alice", "my alerts"))
    assert "SOL-PERP crosses above 200" in listed[-1].data["text"]
    assert await on_price(store, _sol(199_00000000), clock()) == []
    fired = await on_price(store, _sol(201_50000000), clock())
    assert len(fired) == 1
    assert await on_price(store, _sol(202_00000000), clock()) == []  # fires once
    nxt = await collect(session.send(thread, "alice", "my alerts"))
    assert nxt[0].data == {"role": "alert", "text": f"Alert {fired[0].describe()}: SOL-PERP is at 201.50000000."}
    assert nxt[-1].data["text"] == "You have no active alerts."
    assert session.notifications(thread) == []  # delivered once


async def test_alerts_belong_to_their_owner(alert_world: tuple[ChatSession, AlertStore]) -> None:
    session, store = alert_world
    await collect(session.send("t-a", "alice", "alert if btc drops below 90k"))
    (alert,) = store.active("alice")
    bob = await collect(session.send("t-b", "bob", f"cancel alert {alert.id}"))
    assert "no active alert" in bob[-1].data["text"]
    assert store.active("alice") == [alert]
    mine = await collect(session.send("t-a", "alice", f"cancel alert {alert.id}"))
    assert "Cancelled alert" in mine[-1].data["text"] and store.active("alice") == []


async def test_the_service_fires_alerts_from_committed_price_events(fresh_database: Database,
                                                                    clock: Callable[[], datetime]) -> None:
    import asyncio

    import psycopg

    from quantdesk.alerts import run_alerts
    from quantdesk.ingest import PRICE_CHANNEL, TickWriter, listen_price_events

    store = AlertStore(fresh_database.pool)
    alert = store.create("alice", "t-svc", "price_cross", market="ETH-PERP", level=Decimal(3500),
                         direction="above")
    registry = FeedRegistry.load()
    since = datetime.now(UTC)
    events = listen_price_events(fresh_database.url, registry)
    service = asyncio.create_task(run_alerts(events, store, clock=clock))
    await until_listening(fresh_database.url, PRICE_CHANNEL, since)
    eth = registry.get("ETH/USD").feed_id
    async with await psycopg.AsyncConnection.connect(fresh_database.url) as conn:
        await TickWriter(registry).write(conn, [PriceUpdate(feed_id=eth, price=3_600_00000000, conf=1, expo=-8,
                                                            publish_time=2_000_000_000, source="hermes")])
    for _ in range(50):
        if not store.active("alice"):
            break
        await asyncio.sleep(0.1)
    service.cancel()
    assert store.active("alice") == []
    (note,) = store.take_pending("t-svc")
    assert note.text.startswith(f"Alert #{alert.id}: ETH-PERP crosses above 3500")


async def test_an_order_alert_fires_when_the_traders_order_fills(trade: TradeWorld,
                                                                 clock: Callable[[], datetime]) -> None:
    from quantdesk.alerts import on_order_events, paper_fill_lookup

    owner = bytes(await trade.deps.executor.trader("alice"))  # type: ignore[union-attr]
    store = AlertStore(trade.paper.db.pool)
    alert = store.create("alice", "t-fill", "order_event")
    fills = paper_fill_lookup(trade.paper.db.pool, lambda _user: owner)
    assert await on_order_events(store, fills, clock()) == []
    events = await collect(trade.session.send("t-fill", "alice", "long 1 SOL 5x"))
    ticket = next(e for e in events if e.type == "ticket").data["ticket"]
    await collect(trade.session.approve("t-fill", "alice", ticket["ticket_hash"]))
    fired = await on_order_events(store, fills, clock())
    assert [a.id for a in fired] == [alert.id]
    (note,) = store.take_pending("t-fill")
    assert "order 0 filled: buy 1 SOL-PERP at 150.045" in note.text


async def test_a_price_alert_past_the_programs_price_limit_is_refused_with_the_limit(
        alert_world: tuple[ChatSession, AlertStore]) -> None:
    session, store = alert_world
    thread = f"t-{uuid.uuid4().hex[:8]}"
    events = await collect(session.send(thread, "alice", "alert me when sol goes above 99999999999999999999"))
    result = next(e for e in events if e.type == "tool_result")
    assert result.data["status"] == "error"
    assert "the alert level must be at most $10,000,000" in result.data["text"]
    assert store.active("alice") == []


async def test_a_model_sent_alert_level_beyond_the_databases_numbers_is_refused_not_a_crash(
        fresh_database: Database, clock: Callable[[], datetime]) -> None:
    store = AlertStore(fresh_database.pool)
    outcome = await Toolbox(alert_handlers(store)).call(
        "set_alert", {"kind": "price_cross", "market": "SOL-PERP", "level": "1E+999999999", "direction": "above"},
        ToolContext("alice", "t-llm", clock()))
    assert outcome.error and "the alert level must be at most $10,000,000" in outcome.text
    assert store.active("alice") == []
