"""Who is calling: the process's API context, and the bearer key of every ``/v1``
request turned into a QuantDesk user (or 401, or 429 once the key's bucket is
empty)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from psycopg_pool import AsyncConnectionPool

from interfaces._assembly import Mikey
from interfaces.api._errors import ApiError
from interfaces.api._runs import RunHub
from quantdesk.db import is_unavailable
from quantdesk.users import ApiKeyGate, UserStore

_bearer = HTTPBearer(auto_error=False, description="An API key made with `quantdesk api-key create --user NAME`.")
_UNAUTHORIZED = {"WWW-Authenticate": "Bearer"}


@dataclass(frozen=True)
class ApiContext:
    """What every request of this process shares (built once, at start-up)."""

    mikey: Mikey
    pool: AsyncConnectionPool  # the API's own statements (autocommit)
    keys: ApiKeyGate
    runs: RunHub
    users: UserStore
    clock: Callable[[], datetime]


@dataclass(frozen=True)
class Caller:
    user_id: str
    key_prefix: str


def api_context(request: Request) -> ApiContext:
    return request.app.state.api  # type: ignore[no-any-return]


async def caller(request: Request,
                 credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Caller:
    if credentials is None:
        raise ApiError(401, "unauthorized", "send an API key as 'Authorization: Bearer <key>' (make one with "
                                            "`quantdesk api-key create --user NAME`)", _UNAUTHORIZED)
    try:
        check = await api_context(request).keys.check(credentials.credentials)
    except Exception as exc:
        if not is_unavailable(exc):
            raise
        raise ApiError(503, "database_unavailable", "the database is unavailable; try again shortly") from exc
    if check.user_id is None or check.prefix is None:
        raise ApiError(401, "unauthorized", "this API key is not valid or was revoked", _UNAUTHORIZED)
    request.scope.setdefault("state", {})["user_id"] = check.user_id
    if check.retry_after_s:
        raise ApiError(429, "rate_limited", f"too many requests with key {check.prefix}; retry in "
                                            f"{check.retry_after_s} s", {"Retry-After": str(check.retry_after_s)})
    return Caller(check.user_id, check.prefix)


CallerDep = Annotated[Caller, Depends(caller)]
ContextDep = Annotated[ApiContext, Depends(api_context)]


def api_thread_id(user_id: str, thread: str) -> str:
    """The MIKEY thread behind an API thread id: namespaced by the user, so another
    user's key naming the same id reaches a thread of their own, never this one
    (``:`` cannot be in a user name)."""
    return f"api:{user_id}:{thread}"


def shown_thread_id(user_id: str, thread_id: str) -> str:
    """A MIKEY thread id as the API shows it to its user: their API threads by the id they chose."""
    return thread_id.removeprefix(f"api:{user_id}:")
