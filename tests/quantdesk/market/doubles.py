"""Test doubles for the remote services market data talks to, speaking their
real protocols on 127.0.0.1: a Hermes server (v2 REST + SSE, formats as Hermes
sends them) and a Solana JSON-RPC node (getMultipleAccounts). Each is scripted
per request so a test can say "drop the stream after two events" or "answer
429 with Retry-After: 1"."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

# --- Hermes ---------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """An SSE ``data:`` event with this JSON text (Hermes: one compact JSON line)."""

    data: str
    event: str | None = None


@dataclass(frozen=True)
class Drop:
    """Cut the TCP connection mid-stream (no chunked terminator)."""


@dataclass(frozen=True)
class Status:
    """Answer the request with this status instead of a stream."""

    code: int
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Pause:
    seconds: float


@dataclass(frozen=True)
class End:
    """Close the stream cleanly (as Hermes does after 24 h)."""


Action = Event | Drop | Status | Pause | End


@dataclass
class Seen:
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    at: float


class HermesDouble:
    """Hermes v2 on loopback. ``connections`` is a list of scripts, one per stream
    request in order; once they run out, a stream stays open silently (sending a
    keep-alive comment like Hermes) until the client leaves."""

    def __init__(self, *, known_feeds: Sequence[str], api_key: str | None = None,
                 latest_body: Any = None) -> None:
        self.known_feeds = set(known_feeds)
        self.api_key = api_key
        self.latest_body = latest_body
        self.connections: list[list[Action]] = []
        self.seen: list[Seen] = []
        self._runner: web.AppRunner | None = None
        self.url = ""

    def _gate(self, request: web.Request) -> web.Response | None:
        self.seen.append(Seen(request.path, list(request.query.items()), dict(request.headers), time.monotonic()))
        if self.api_key is not None and request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return web.Response(status=401, text="Unauthorized")
        ids = [v.removeprefix("0x") for k, v in request.query.items() if k == "ids[]"]
        unknown = [i for i in ids if i not in self.known_feeds]
        if unknown:
            # Hermes' RestError::PriceIdsNotFound body
            return web.Response(status=404, text="Price ids not found: " + ", ".join(unknown))
        return None

    async def _latest(self, request: web.Request) -> web.Response:
        refused = self._gate(request)
        if refused is not None:
            return refused
        return web.Response(text=json.dumps(self.latest_body), content_type="application/json")

    async def _stream(self, request: web.Request) -> web.StreamResponse:
        refused = self._gate(request)
        if refused is not None:
            return refused
        script = self.connections.pop(0) if self.connections else []
        if script and isinstance(script[0], Status):
            first = script[0]
            return web.Response(status=first.code, text=first.body, headers=first.headers)
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
        await response.prepare(request)
        for action in script:
            if isinstance(action, Event):
                head = f"event: {action.event}\n" if action.event else ""
                await response.write(f"{head}data: {action.data}\n\n".encode())
            elif isinstance(action, Pause):
                await asyncio.sleep(action.seconds)
            elif isinstance(action, Drop):
                assert request.transport is not None
                request.transport.abort()
                return response
            elif isinstance(action, End):
                await response.write_eof()
                return response
        while True:  # idle like Hermes between updates: keep-alive comments
            await asyncio.sleep(0.2)
            await response.write(b":\n\n")

    async def __aenter__(self) -> HermesDouble:
        app = web.Application()
        app.add_routes([web.get("/v2/updates/price/latest", self._latest),
                        web.get("/v2/updates/price/stream", self._stream)])
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *_exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    def stream_requests(self) -> list[Seen]:
        return [s for s in self.seen if s.path.endswith("/stream")]


# --- Solana JSON-RPC ---------------------------------------------------------------

PYTH_RECEIVER = "rec5EKMGg6MxZYaMdyBfgwp4d5rB9T1VQH5pJv5LtFJ"


class RpcDouble:
    """A Solana RPC node answering ``getMultipleAccounts`` from ``accounts``
    (address → raw bytes) at ``slot``. ``failures`` scripts the next responses:
    a :class:`Status` is sent as an HTTP error, a dict as a JSON-RPC error object."""

    def __init__(self, accounts: dict[str, bytes], *, slot: int = 1) -> None:
        self.accounts = accounts
        self.slot = slot
        self.failures: list[Status | dict[str, Any]] = []
        self.calls: list[dict[str, Any]] = []
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def _rpc(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.calls.append(body)
        if self.failures:
            failure = self.failures.pop(0)
            if isinstance(failure, Status):
                return web.Response(status=failure.code, text=failure.body, headers=failure.headers)
            return web.json_response({"jsonrpc": "2.0", "error": failure, "id": body["id"]})
        assert body["method"] == "getMultipleAccounts", body["method"]
        keys, opts = body["params"]
        assert opts.get("encoding") == "base64"
        value = []
        for key in keys:
            data = self.accounts.get(key)
            value.append(None if data is None else {
                "data": [base64.b64encode(data).decode(), "base64"], "executable": False,
                "lamports": 1_000_000, "owner": PYTH_RECEIVER, "rentEpoch": 18446744073709551615,
                "space": len(data)})
        return web.json_response({"jsonrpc": "2.0", "id": body["id"],
                                  "result": {"context": {"apiVersion": "2.0.15", "slot": self.slot},
                                             "value": value}})

    async def __aenter__(self) -> RpcDouble:
        app = web.Application()
        app.add_routes([web.post("/", self._rpc)])
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *_exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()
