"""The web page's front door, as ASGI middleware around Chainlit's app.

1. Origin: a browser names the page that opened a request or WebSocket in its
   ``Origin`` header. Only the page's own origin (the scheme and ``Host`` it was
   reached at) and the configured extra origins get through; anything else is
   refused before Chainlit sees it, the socket.io endpoint included (Chainlit 2.12
   creates its socket.io server with ``cors_allowed_origins=[]``, which turns
   python-engineio's origin check off, and its ``allow_origins`` setting only
   shapes HTTP CORS headers). Requests without ``Origin`` (scripts, curl) are not
   from a browser page and still need a signed-in session.
2. Sign-in attempts per client address: after too many failed ``POST /login`` in a
   window, that address gets 429 until the window passes. (The per-name limit is
   in quantdesk.users.SignIn; Chainlit hands the password callback no address.)
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocketClose

from quantdesk.logs import get_logger
from quantdesk.users import FailureThrottle

log = get_logger(__name__)

ADDRESS_FAILURES, ADDRESS_WINDOW_S = 20, 300.0
_POLICY_VIOLATION = 1008  # WebSocket close code


class OriginGuard:
    def __init__(self, app: ASGIApp, *, extra_origins: Iterable[str], login_path: str,
                 throttle: FailureThrottle | None = None) -> None:
        self._app = app
        self._extra = frozenset(o.lower() for o in extra_origins)
        self._login_path = login_path
        self._throttle = throttle or FailureThrottle(ADDRESS_FAILURES, ADDRESS_WINDOW_S)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self._app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin is not None and not self._allowed(origin.lower(), scope, headers):
            log.warning("web.origin_refused", origin=origin[:200], path=scope.get("path", ""))
            await _refuse(scope, receive, send, 403, "this origin may not use the page")
            return
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == self._login_path:
            await self._login(scope, receive, send)
            return
        await self._app(scope, receive, send)

    def _allowed(self, origin: str, scope: Scope, headers: Headers) -> bool:
        scheme = "https" if scope.get("scheme") in ("https", "wss") else "http"
        own = f"{scheme}://{headers.get('host', '').lower()}"
        return origin == own or origin in self._extra

    async def _login(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope["client"][0] if scope.get("client") else "unknown"
        if self._throttle.blocked(client):
            log.warning("signin.refused", method="password", client=client, reason="too many failures from address")
            await _refuse(scope, receive, send, 429, "too many failed sign-ins; try again in a few minutes")
            return

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 401:
                self._throttle.failed(client)
            await send(message)

        await self._app(scope, receive, watch)


async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, text: str) -> None:
    if scope["type"] == "websocket":
        await WebSocketClose(code=_POLICY_VIOLATION)(scope, receive, send)
    else:
        await PlainTextResponse(text, status_code=status)(scope, receive, send)
