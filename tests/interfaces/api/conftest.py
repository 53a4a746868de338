"""A chat API world: a database of its own on the session's PostgreSQL, traders
with keys, fresh Pyth ticks written by the real tick writer, and the real app
served by uvicorn on 127.0.0.1 in a background thread (real HTTP, real MIKEY)."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
import pytest
import uvicorn

from interfaces.api import create_app
from quantdesk.config import Settings
from quantdesk.db import Database, migrate
from quantdesk.ingest import TickWriter
from quantdesk.market import FeedRegistry, PriceUpdate
from quantdesk.users import ApiKeyStore, UserStore
from tests.conftest import make_settings
from tests.doubles.loopback import free_port

PRICES = {"SOL/USD": (14_678_500_000, 9_000_000), "BTC/USD": (9_500_000_000_000, 4_000_000_000),
          "ETH/USD": (350_000_000_000, 100_000_000)}


@dataclass
class ShiftedClock:
    """The API's clock (tickets' creation and expiry): real time plus an offset a test moves."""

    offset: timedelta = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


def store_prices(url: str, publish_time: int | None = None) -> None:
    """Fresh ticks for every market, through the real tick writer."""
    registry = FeedRegistry.load()
    at = int(time.time()) if publish_time is None else publish_time
    ticks = [PriceUpdate(feed_id=registry.get(symbol).feed_id, price=price, conf=conf, expo=-8, publish_time=at,
                         source="hermes") for symbol, (price, conf) in PRICES.items()]

    async def write() -> None:
        async with await psycopg.AsyncConnection.connect(url) as conn:
            await TickWriter(registry).write(conn, ticks)

    asyncio.run(write())


@contextmanager
def own_database(server: Database) -> Iterator[Database]:
    """A new, migrated database on the session's server, dropped afterwards."""
    name = f"api_{uuid.uuid4().hex[:12]}"
    with server.connect(autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(server.url)  # a URL, as DATABASE_URL must be
    db = Database(kind="external", _url=urlunsplit(parts._replace(path=f"/{name}")), pool_max=5)
    migrate(db)
    try:
        yield db
    finally:
        db.close()
        with server.connect(autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@contextmanager
def serving(settings: Settings, clock: ShiftedClock | None = None) -> Iterator[str]:
    """The chat API on a free loopback port until the block ends; yields its base URL."""
    port = free_port()
    app = create_app(settings.model_copy(update={"api_port": port}), **({"clock": clock} if clock else {}))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False, lifespan="on"))
    thread = threading.Thread(target=server.run, name=f"api-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"the chat API on port {port} did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@dataclass
class ApiWorld:
    base: str
    db: Database
    settings: Settings
    clock: ShiftedClock
    keys: ApiKeyStore

    def key(self, user: str, name: str = "") -> str:
        """A new key for ``user`` (made a user first if needed)."""
        store = UserStore(self.db.pool)
        if store.get(user) is None:
            store.add(user, None, by="test")
        return self.keys.create(user, name).key

    def client(self, key: str | None, headers: dict[str, str] | None = None) -> httpx.Client:
        auth = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.base, headers={**auth, **(headers or {})}, timeout=60)

    def rows(self, sql: str, *args: object) -> list[tuple[Any, ...]]:
        with self.db.pool.connection() as conn:
            return conn.execute(sql, args).fetchall()


def api_settings(data_dir: Path, db: Database, **overrides: object) -> Settings:
    values: dict[str, object] = {"database_url": db.url, "price_max_age_s": 3600, "api_rate_per_s": 50,
                                 "api_rate_burst": 100, "api_max_body_bytes": 4096, "api_max_message_chars": 500,
                                 **overrides}
    return make_settings(data_dir, **values)


@pytest.fixture(scope="module")
def api(database: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiWorld]:
    """One chat API for a test module, on its own database with fresh prices."""
    with own_database(database) as db:
        store_prices(db.url)
        settings = api_settings(tmp_path_factory.mktemp("api") / "data", db)
        clock = ShiftedClock()
        with serving(settings, clock) as base:
            yield ApiWorld(base, db, settings, clock, ApiKeyStore(db.pool))


@pytest.fixture(autouse=True)
def _fresh_prices(request: pytest.FixtureRequest) -> None:
    """Fresh ticks before each test of the API world: the program refuses an oracle price
    older than 30 s, and a module's tests take longer than that on a busy machine."""
    if "api" in request.fixturenames:
        store_prices(request.getfixturevalue("api").db.url)


@pytest.fixture
def alice(api: ApiWorld) -> str:
    return api.key("alice")


@pytest.fixture
def bob(api: ApiWorld) -> str:
    return api.key("bob")
