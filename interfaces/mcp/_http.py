"""``quantdesk mcp --http``: the MCP server over streamable HTTP at ``/mcp`` (the
SDK's ``StreamableHTTPSessionManager``), behind the chat API's bearer keys.

Stateless mode (every POST a complete exchange, no ``Mcp-Session-Id`` kept in
memory), like the chat API's workers: any number of processes on one database
serve any client, and a request's user is always the key on that very request,
never one remembered from an earlier request of a session. Responses are JSON
rather than SSE streams: every tool answers once. Host and Origin headers are
checked by the SDK (DNS-rebinding protection) for the loopback names, and bodies
are limited as the chat API's (``QUANTDESK_API_MAX_BODY_BYTES``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from interfaces._assembly import Mikey, open_mikey, utc_now
from interfaces.mcp._auth import BearerKeys, key_gate, request_identity
from interfaces.mcp._server import build_server
from quantdesk.config import Settings
from quantdesk.logs import get_logger
from quantdesk.users import ApiKeyGate

log = get_logger(__name__)
PATH = "/mcp"


def _security(settings: Settings) -> TransportSecuritySettings:
    """The SDK's Host/Origin checks for the names this server answers on (loopback by default)."""
    hosts = {settings.host, "127.0.0.1", "localhost", "[::1]"} if settings.host in ("127.0.0.1", "localhost", "::1") \
        else {settings.host}
    return TransportSecuritySettings(enable_dns_rebinding_protection=True,
                                     allowed_hosts=[f"{h}:*" for h in sorted(hosts)] + sorted(hosts),
                                     allowed_origins=[f"http://{h}:*" for h in sorted(hosts)])


class _Running:
    """What exists only while the server runs (made in the lifespan)."""

    mikey: Mikey | None = None
    gate: ApiKeyGate | None = None
    manager: StreamableHTTPSessionManager | None = None


def create_http_app(settings: Settings, *, clock: Callable[[], datetime] = utc_now) -> Starlette:
    """The MCP endpoint for these settings (MIKEY opens when the server starts it)."""
    running = _Running()

    async def endpoint(scope: Scope, receive: Receive, send: Send) -> None:
        assert running.manager is not None, "the MCP server has not started"
        await running.manager.handle_request(scope, receive, send)

    def gate() -> ApiKeyGate:
        assert running.gate is not None, "the MCP server has not started"
        return running.gate

    async def healthz(_request: Any) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        async with open_mikey(settings, clock=clock) as mikey, key_gate(mikey.db, settings) as keys:
            manager = StreamableHTTPSessionManager(build_server(mikey, request_identity), stateless=True,
                                                   json_response=True, security_settings=_security(settings),
                                                   max_request_body_size=settings.api_max_body_bytes)
            running.mikey, running.gate, running.manager = mikey, keys, manager
            async with manager.run():
                log.info("mcp.ready", host=settings.host, port=settings.mcp_port, path=PATH)
                yield

    return Starlette(routes=[Route(PATH, BearerKeys(endpoint, gate)),
                             Route("/healthz", healthz)], lifespan=lifespan)
