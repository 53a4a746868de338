"""A Slack world: a database of its own with fresh prices and three traders' Slack
accounts (alice and bob linked, carol not), the Slack double on 127.0.0.1, one real
MIKEY, and the real Bolt app serving HTTP events on a loopback port, talking to the
double through the real ``AsyncWebClient(base_url=…)``."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import psycopg
import pytest
import pytest_asyncio
from slack_sdk.web.async_client import AsyncWebClient

from interfaces import Mikey, open_mikey
from interfaces.slack import EVENTS_PATH, SlackApp, bind, build_slack_app, running_http
from quantdesk.config import Settings
from quantdesk.db import Database
from quantdesk.ingest import TickWriter
from quantdesk.market import FeedRegistry, PriceUpdate
from quantdesk.users import IdentityLinks, UserStore
from tests.doubles.loopback import free_port, serve
from tests.doubles.slack import TEAM, Posted, SlackDouble, block_actions, event_callback, signed_headers
from tests.interfaces.api.conftest import PRICES, ShiftedClock, api_settings, own_database

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
ALICE, BOB, CAROL = "U0ALICE", "U0BOB", "U0CAROL"
CHANNEL = "C0DESK"


@dataclass
class SlackWorld:
    double: SlackDouble
    slack_api: str
    base: str
    app: SlackApp
    mikey: Mikey
    db: Database
    settings: Settings
    clock: ShiftedClock
    http: httpx.AsyncClient

    async def send_event(self, event: dict[str, Any], *, secret: str = SECRET,
                         timestamp: int | None = None) -> httpx.Response:
        body = json.dumps(event_callback(event))
        return await self.http.post(EVENTS_PATH, content=body, headers=signed_headers(secret, body,
                                                                                      timestamp=timestamp))

    async def click(self, user: str, action_id: str, card: Posted, value: str | None = None) -> httpx.Response:
        payload = block_actions(user, action_id, value if value is not None else card.buttons()[0]["value"],
                                channel=card.channel, message_ts=card.ts, thread_ts=card.thread_ts)
        body = urlencode({"payload": json.dumps(payload)})
        return await self.http.post(EVENTS_PATH, content=body, headers=signed_headers(
            SECRET, body, content_type="application/x-www-form-urlencoded"))

    def rows(self, sql: str, *args: object) -> list[tuple[Any, ...]]:
        with self.db.pool.connection() as conn:
            return conn.execute(sql, args).fetchall()


def mention(user: str, text: str, *, ts: str, channel: str = CHANNEL, thread_ts: str | None = None) -> dict[str, Any]:
    event = {"type": "app_mention", "user": user, "text": f"<@U0MIKEY> {text}", "ts": ts, "channel": channel,
             "team": TEAM, "event_ts": ts}
    return {**event, "thread_ts": thread_ts} if thread_ts else event


def message(user: str, text: str, *, ts: str, channel: str, channel_type: str,
            thread_ts: str | None = None) -> dict[str, Any]:
    event = {"type": "message", "user": user, "text": text, "ts": ts, "channel": channel, "team": TEAM,
             "channel_type": channel_type, "event_ts": ts}
    return {**event, "thread_ts": thread_ts} if thread_ts else event


def dm(user: str, text: str, *, ts: str) -> dict[str, Any]:
    return message(user, text, ts=ts, channel="D" + user[1:], channel_type="im")


async def until(check: Callable[[], Any], what: str, timeout_s: float = 30) -> Any:
    """Poll ``check`` (yielding to the event loop, where the bot runs) until it returns something truthy."""
    deadline = time.monotonic() + timeout_s
    while not (found := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)
    return found


async def store_prices(url: str) -> None:
    """Fresh ticks for every market (the API world's prices), through the real tick writer."""
    registry = FeedRegistry.load()
    at = int(time.time())
    async with await psycopg.AsyncConnection.connect(url) as conn:
        await TickWriter(registry).write(conn, [
            PriceUpdate(feed_id=registry.get(symbol).feed_id, price=price, conf=conf, expo=-8, publish_time=at,
                        source="hermes") for symbol, (price, conf) in PRICES.items()])


@pytest.fixture(scope="module")
def slack_double() -> Iterator[tuple[SlackDouble, str]]:
    double = SlackDouble()
    for user, name in ((ALICE, "alice"), (BOB, "bob"), (CAROL, "carol")):
        double.user(user, name)
    with serve(double.app()) as base:
        yield double, base


@pytest_asyncio.fixture(loop_scope="session")
async def slack(database: Database, tmp_path: Path,
                slack_double: tuple[SlackDouble, str]) -> AsyncIterator[SlackWorld]:
    double, double_base = slack_double
    double.messages.clear()
    double.calls.clear()
    with own_database(database) as db:
        await store_prices(db.url)
        users, links = UserStore(db.pool), IdentityLinks(db.pool)
        for name, slack_id in (("alice", ALICE), ("bob", BOB)):
            users.add(name, None, by="test")
            links.link("slack", f"{TEAM}:{slack_id}", name, by="test")
        users.add("carol", None, by="test")  # a user, but her Slack account is not linked
        settings = api_settings(tmp_path / "data", db, slack_mode="http", slack_bot_token=double.bot_token,
                                slack_signing_secret=SECRET, slack_api_url=f"{double_base}/api/")
        clock = ShiftedClock()
        async with open_mikey(settings, clock=clock) as mikey:
            client = AsyncWebClient(token=double.bot_token, base_url=f"{double_base}/api/")
            app = build_slack_app(mikey, client, settings, expiry_tick_s=0.1, stream_interval_s=0.0)
            port = free_port()
            try:
                async with running_http(app, bind("127.0.0.1", port)):
                    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
                        yield SlackWorld(double, f"{double_base}/api/", f"http://127.0.0.1:{port}", app, mikey, db,
                                         settings, clock, http)
            finally:
                await app.bot.aclose()
