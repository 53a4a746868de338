"""Who an MCP client is: a chat API key (``quantdesk api-key create``), checked by
the chat API's own gate (:class:`quantdesk.users.ApiKeyGate`: SHA-256 lookup, the
key's token bucket shared with the API), so a key works, is limited and is revoked
the same way on both.

Over HTTP every request brings ``Authorization: Bearer <key>``; over stdio the key
is configured (``MIKEY_MCP_API_KEY``) and checked at start-up and again on every
call, so revoking it stops a running server too.

The HTTP check is a small ASGI wrapper rather than the SDK's ``BearerAuthBackend``
(with a ``TokenVerifier``): that backend can only accept a token or answer 401,
while the gate also answers 429 (the key's bucket is empty, with ``Retry-After``)
and 503 (the database is away), as the chat API does.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from psycopg_pool import AsyncConnectionPool
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from interfaces.mcp._server import Identity, NotAuthorized
from quantdesk.config import Settings
from quantdesk.db import POOL_RESILIENCE, Database, DatabaseUnavailable, is_unavailable
from quantdesk.users import ApiKeyGate

_USER = "mikey_user"  # where the HTTP wrapper leaves the caller's user id in the request's state
_MAKE_ONE = "make one with `quantdesk api-key create --user NAME`"


@asynccontextmanager
async def key_gate(db: Database, settings: Settings) -> AsyncIterator[ApiKeyGate]:
    """The chat API's key gate on a small autocommit pool of its own (one statement per check)."""
    pool = AsyncConnectionPool(db.url, min_size=1, max_size=min(4, settings.db_pool_max), open=False, name="mcp",
                               kwargs={"autocommit": True}, check=AsyncConnectionPool.check_connection,
                               **POOL_RESILIENCE)
    await pool.open()
    try:
        yield ApiKeyGate(pool, rate_per_s=settings.api_rate_per_s, burst=settings.api_rate_burst)
    finally:
        await pool.close()


def configured_key_identity(gate: ApiKeyGate, key: str) -> Identity:
    """stdio: every call is the configured key's user, checked again on each call."""
    async def who(_request: Any) -> str:
        try:
            check = await gate.check(key)
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            raise DatabaseUnavailable("the database is unavailable; nothing was done, try again shortly") from exc
        if check.user_id is None:
            raise NotAuthorized(f"the API key in MIKEY_MCP_API_KEY is not valid or was revoked; {_MAKE_ONE}")
        if check.retry_after_s:
            raise NotAuthorized(f"too many requests with key {check.prefix}; retry in {check.retry_after_s} s")
        return check.user_id

    return who


async def request_identity(request: Any) -> str:
    """HTTP: the user :class:`BearerKeys` found for this request."""
    user = None if request is None else request.scope.get("state", {}).get(_USER)
    if not user:
        raise NotAuthorized(f"no API key came with this request; {_MAKE_ONE}")
    return str(user)


def _refusal(status: int, code: str, message: str, headers: dict[str, str]) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


class BearerKeys:
    """ASGI: the MCP endpoint only for requests with a valid chat API key."""

    def __init__(self, app: ASGIApp, gate: Any) -> None:
        self._app, self._gate = app, gate  # gate: () -> ApiKeyGate (made when the server starts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
        scheme, _, presented = header.partition(" ")
        refusal = None
        if scheme.lower() != "bearer" or not presented.strip():
            refusal = _refusal(401, "unauthorized", f"send an API key as 'Authorization: Bearer <key>' ({_MAKE_ONE})",
                               {"WWW-Authenticate": "Bearer"})
        else:
            try:
                check = await self._gate().check(presented.strip())
            except Exception as exc:
                if not is_unavailable(exc):
                    raise
                check = None
                refusal = _refusal(503, "database_unavailable", "the database is unavailable; try again shortly", {})
            if check is not None and (check.user_id is None or check.prefix is None):
                refusal = _refusal(401, "unauthorized", "this API key is not valid or was revoked",
                                   {"WWW-Authenticate": "Bearer"})
            elif check is not None and check.retry_after_s:
                refusal = _refusal(429, "rate_limited", f"too many requests with key {check.prefix}; retry in "
                                                        f"{check.retry_after_s} s",
                                   {"Retry-After": str(check.retry_after_s)})
            elif check is not None:
                scope.setdefault("state", {})[_USER] = check.user_id
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self._app(scope, receive, send)
