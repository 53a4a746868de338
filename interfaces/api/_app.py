"""The FastAPI application: one MIKEY per process (opened at start-up with
``interfaces._assembly.open_mikey``, the one composition root), the routes, and
what every request goes through (request ids, the body limit, JSON errors of one
shape, CORS only for configured origins)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from psycopg_pool import AsyncConnectionPool

from interfaces._assembly import open_mikey, utc_now
from interfaces.api import _feed, _links, _openai, _reads, _threads, _tickets
from interfaces.api._auth import ApiContext
from interfaces.api._errors import install_error_handlers
from interfaces.api._middleware import BodyLimit, RequestIds
from interfaces.api._runs import RunHub
from quantdesk.config import Settings
from quantdesk.db import POOL_RESILIENCE, Database
from quantdesk.logs import get_logger
from quantdesk.users import ApiKeyGate, UserStore

log = get_logger(__name__)

_DESCRIPTION = """MIKEY, QuantDesk's trading assistant, over HTTP: native runs streamed as server-sent events,
tickets approved by their full hash, reads of positions, orders, account and prices, and an
OpenAI-compatible `/v1/chat/completions` for voice stacks and bots. Every `/v1` route takes
`Authorization: Bearer <key>` (`quantdesk api-key create --user NAME`)."""


@asynccontextmanager
async def _request_pool(db: Database, settings: Settings) -> AsyncIterator[AsyncConnectionPool]:
    """The pool of the API's own per-request statements (key checks, run events): in
    autocommit, so each is one round trip with no BEGIN/COMMIT around it; checked and
    reconnecting like the database's other pools, so a database restart costs a request
    or two, never the process."""
    pool = AsyncConnectionPool(db.url, min_size=1, max_size=settings.db_pool_max, open=False, name="api",
                               kwargs={"autocommit": True}, check=AsyncConnectionPool.check_connection,
                               **POOL_RESILIENCE)
    await pool.open()
    try:
        yield pool
    finally:
        await pool.close()


def create_app(settings: Settings, *, clock: Callable[[], datetime] = utc_now) -> FastAPI:
    """The chat API for these settings (MIKEY opens when the server starts it)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_mikey(settings, clock=clock) as mikey, _request_pool(mikey.db, settings) as pool:
            runs = RunHub(pool)
            app.state.api = ApiContext(mikey=mikey, pool=pool, runs=runs, users=UserStore(mikey.db.pool), clock=clock,
                                       keys=ApiKeyGate(pool, rate_per_s=settings.api_rate_per_s,
                                                       burst=settings.api_rate_burst))
            log.info("api.ready", host=settings.host, port=settings.api_port, model=settings.mikey_model)
            try:
                yield
            finally:
                await runs.aclose()

    app = FastAPI(title="QuantDesk MIKEY chat API", version="1", description=_DESCRIPTION, lifespan=lifespan,
                  docs_url="/docs", openapi_url="/openapi.json", redoc_url=None)
    install_error_handlers(app)
    for router in (_threads.router, _tickets.router, _reads.router, _feed.router, _openai.router, _links.router,
                   _reads.probes):
        app.include_router(router)
    if settings.api_cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.api_cors_origins, allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type", "Last-Event-ID", "X-Mikey-Thread-Id",
                                          "X-Mikey-Format", "X-Request-ID"],
                           expose_headers=["X-Request-ID", "Retry-After"])
    app.add_middleware(BodyLimit, limit=settings.api_max_body_bytes)
    app.add_middleware(RequestIds)
    return app
