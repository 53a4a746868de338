"""The web page's front door over real HTTP and WebSocket on loopback: origins
(the page's own, configured ones, foreign ones) and failed sign-ins per address.
The app behind it is a small Starlette app, so these run without Chainlit."""

from __future__ import annotations

import httpx
import pytest
import websockets
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from interfaces import ADDRESS_FAILURES, OriginGuard, web_thread_id
from tests.doubles.loopback import serve

ALLOWED = "https://desk.example.com"


async def _login(request: Request) -> PlainTextResponse:
    form = await request.form()
    ok = form.get("password") == "right"
    return PlainTextResponse("ok" if ok else "no", status_code=200 if ok else 401)


async def _echo(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text(await websocket.receive_text())
    await websocket.close()


def _guarded() -> OriginGuard:
    app = Starlette(routes=[Route("/", lambda _: PlainTextResponse("page")), Route("/login", _login, methods=["POST"]),
                            WebSocketRoute("/ws", _echo)])
    return OriginGuard(app, extra_origins=[ALLOWED], login_path="/login")


def test_the_pages_own_origin_configured_ones_and_none_pass_and_others_are_refused() -> None:
    with serve(_guarded()) as base:
        def status(origin: str | None) -> int:
            return httpx.get(f"{base}/", headers={} if origin is None else {"Origin": origin}).status_code

        assert status(base) == 200 and status(ALLOWED) == 200 and status("HTTPS://Desk.Example.com") == 200
        assert status(None) == 200  # not a browser page: sign-in still guards it
        for foreign in ("http://evil.example", "null", "http://127.0.0.1:1", ALLOWED + ".evil.example",
                        base.replace("http://", "https://")):
            assert status(foreign) == 403, foreign


async def test_a_websocket_from_a_foreign_origin_is_refused_before_it_opens() -> None:
    with serve(_guarded()) as base:
        url = base.replace("http://", "ws://") + "/ws"
        async with websockets.connect(url, origin=base) as ws:  # type: ignore[arg-type]
            await ws.send("hello")
            assert await ws.recv() == "hello"
        with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
            async with websockets.connect(url, origin="http://evil.example"):  # type: ignore[arg-type]
                pass
        assert refused.value.response.status_code == 403


def test_an_address_with_too_many_failed_sign_ins_is_turned_away() -> None:
    with serve(_guarded()) as base:
        for _ in range(ADDRESS_FAILURES):
            assert httpx.post(f"{base}/login", data={"password": "wrong"}).status_code == 401
        blocked = httpx.post(f"{base}/login", data={"password": "right"})
        assert blocked.status_code == 429 and "too many failed sign-ins" in blocked.text
        assert httpx.get(f"{base}/").status_code == 200  # the rest of the page is not held up


def test_a_web_thread_lives_in_its_users_own_namespace() -> None:
    tid = "0b6f6c9e-2f7e-4d8a-9a51-0c3f1f0b8a11"
    assert web_thread_id("alice", tid) == f"web:alice:{tid}"
    assert web_thread_id("alice", tid) != web_thread_id("bob", tid)
    # A name with a dash and a crafted id cannot meet another user's thread.
    assert web_thread_id("a", "b-1") != web_thread_id("a-b", "1")
    for bad in (None, "", "web:bob:x", "a" * 65, "../x", "x y"):
        assert web_thread_id("alice", bad) is None
