"""A Discord world: a database of its own with fresh prices, alice and bob linked by
their Discord ids (carol not), the Discord double (REST + gateway) on 127.0.0.1, and
the real discord.py client logged in and connected to it, over one real MIKEY."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from interfaces import Mikey, open_mikey
from interfaces.discord_bot import MikeyDiscord
from quantdesk.db import Database
from quantdesk.users import IdentityLinks, UserStore
from tests.doubles.discord import DiscordDouble, pointed_at, user
from tests.doubles.loopback import serve
from tests.interfaces.api.conftest import ShiftedClock, api_settings, own_database
from tests.interfaces.slack.conftest import store_prices, until

ALICE = user("700000000000000001", "alice")
BOB = user("700000000000000002", "bob")
CAROL = user("700000000000000003", "carol")


@dataclass
class DiscordWorld:
    double: DiscordDouble
    client: MikeyDiscord
    mikey: Mikey
    db: Database
    clock: ShiftedClock

    def rows(self, sql: str, *args: object) -> list[tuple[Any, ...]]:
        with self.db.pool.connection() as conn:
            return conn.execute(sql, args).fetchall()


@pytest.fixture(scope="module")
def discord_double() -> Iterator[tuple[DiscordDouble, str]]:
    double = DiscordDouble()
    for who in (ALICE, BOB, CAROL):
        double.users[who["id"]] = who
    with serve(double.app()) as base, pointed_at(base):
        yield double, base


@pytest_asyncio.fixture(loop_scope="session")
async def discord_world(database: Database, tmp_path: Path,
                        discord_double: tuple[DiscordDouble, str]) -> AsyncIterator[DiscordWorld]:
    double, _ = discord_double
    double.sent.clear()
    with own_database(database) as db:
        await store_prices(db.url)
        users, links = UserStore(db.pool), IdentityLinks(db.pool)
        for name, who in (("alice", ALICE), ("bob", BOB)):
            users.add(name, None, by="test")
            links.link("discord", who["id"], name, by="test")
        users.add("carol", None, by="test")
        clock = ShiftedClock()
        async with open_mikey(api_settings(tmp_path / "data", db), clock=clock) as mikey:
            client = MikeyDiscord(mikey, expiry_tick_s=0.1)
            await client.login(double.token)
            connected = asyncio.create_task(client.connect(reconnect=False))
            try:
                await until(lambda: client.is_ready() and double.ready, "the gateway's READY")
                yield DiscordWorld(double, client, mikey, db, clock)
            finally:
                await client.close()
                await asyncio.gather(connected, return_exceptions=True)
