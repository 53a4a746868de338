"""What every request goes through, as pure ASGI middleware (not Starlette's
BaseHTTPMiddleware, which would buffer streamed responses): a request id on every
log line and in ``X-Request-ID``, and a request body size limit.

The body limit is ours rather than Starlette's ``RequestBodyLimitMiddleware``
(which FastAPI's ``max_body_size`` installs) because that one answers 413 in plain
text, and every error of this API is the same JSON shape.
"""

from __future__ import annotations

import json
import re
import time

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from quantdesk.logs import bind_ids, get_logger, new_request_id

log = get_logger(__name__)

_CLIENT_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIds:
    """A request id (the client's ``X-Request-ID`` when it is a sane token, else a new one)
    bound to every log line of the request and echoed in the response; one ``api.request``
    line per request with its status and duration."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        offered = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = offered if _CLIENT_REQUEST_ID.fullmatch(offered) else new_request_id()
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        with bind_ids(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                log.info("api.request", method=scope["method"], path=scope["path"], status=status,
                         ms=round((time.perf_counter() - started) * 1000, 1), user_id=state.get("user_id"))


class BodyLimit:
    """413 for a body over ``limit`` bytes: at once when Content-Length says so, else as
    soon as the streamed body passes it (the app never reads more than ``limit``)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    def _message(self) -> str:
        return f"the request body is too large (at most {self.limit} bytes)"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            body = json.dumps({"error": {"code": "body_too_large", "message": self._message()}}).encode()
            await send({"type": "http.response.start", "status": 413,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    # FastAPI passes an HTTPException raised while reading the body on to the
                    # app's handler, which answers it in the API's JSON shape.
                    raise HTTPException(413, self._message())
            return message

        await self.app(scope, counted, send)
