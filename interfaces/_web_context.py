"""The web page's own routes, beside Chainlit's: ``GET <root>/mikey/context``
answers the signed-in user's desk (PAPER or LIVE and the venue, who is signed
in, equity and free collateral, the replay label, whether prices flow, which
model answers), which public/mikey.js draws above Chainlit's page and polls;
``GET <root>/mikey/element/...`` serves a reopened thread's stored charts.

Chainlit serves its page for every path it does not know (a catch-all route), so
these routes go in front of its others."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

ContextFor = Callable[[str, Any], Awaitable[dict[str, Any] | None]]  # (user name, epoch) -> desk, or None
ElementContent = Callable[[str, str, str], tuple[bytes, str] | None]  # (user, thread, element) -> (body, mime)


def install_context_route(context_for: ContextFor) -> None:
    """Add the route to Chainlit's app, ahead of its catch-all page route."""
    from chainlit.config import config

    async def desk(request: Request) -> JSONResponse:
        signed_in = await _signed_in(request)
        context = None if signed_in is None else await context_for(*signed_in)
        if context is None:
            return JSONResponse({"detail": "sign in first"}, status_code=401)
        return JSONResponse(context, headers={"Cache-Control": "no-store"})

    _install(f"{config.run.root_path}/mikey/context", desk)


def install_element_route(still_valid: Callable[[str, Any], Awaitable[bool]], content: ElementContent) -> None:
    """``GET <root>/mikey/element/<thread>/<element>``: a stored chart of a reopened thread, for its owner."""
    from chainlit.config import config
    from starlette.responses import Response

    async def element(request: Request) -> Response:
        signed_in = await _signed_in(request)
        if signed_in is None or not await still_valid(*signed_in):
            return JSONResponse({"detail": "sign in first"}, status_code=401)
        found = await asyncio.to_thread(content, signed_in[0], request.path_params["thread_id"],
                                        request.path_params["element_id"])
        if found is None:
            return JSONResponse({"detail": "not found"}, status_code=404)
        return Response(found[0], media_type=found[1], headers={"Cache-Control": "private, no-store"})

    _install(f"{config.run.root_path}/mikey/element/{{thread_id}}/{{element_id}}", element)


async def _signed_in(request: Request) -> tuple[str, Any] | None:
    """The request's signed-in user name and the password epoch of their session, or None."""
    from chainlit.auth import get_current_user, get_token_from_cookies
    from fastapi import HTTPException

    from interfaces._web_auth import signed_epoch

    token = get_token_from_cookies(dict(request.cookies))
    try:
        user = None if token is None else await get_current_user(token=token)
    except HTTPException:  # a token that does not verify: not signed in
        user = None
    return None if user is None else (user.identifier, signed_epoch(token, user))


def _install(path: str, endpoint: Callable[[Request], Awaitable[Any]]) -> None:
    from chainlit.server import app

    app.add_api_route(path, endpoint, methods=["GET"], include_in_schema=False)
    app.router.routes.insert(0, app.router.routes.pop())

