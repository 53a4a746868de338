"""The web page's always-visible header, server side: ``GET <root>/mikey/context``
answers the signed-in user's desk (PAPER or LIVE and the venue, who is signed
in, equity and free collateral, the replay label, whether prices flow, which
model answers). public/mikey.js draws it above Chainlit's page and polls it.

Chainlit serves its page for every path it does not know (a catch-all route), so
this route goes in front of the others."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

ContextFor = Callable[[str, Any], Awaitable[dict[str, Any] | None]]  # (user name, epoch) -> desk, or None


def install_context_route(context_for: ContextFor) -> None:
    """Add the route to Chainlit's app, ahead of its catch-all page route."""
    from chainlit.auth import get_current_user, get_token_from_cookies
    from chainlit.config import config
    from chainlit.server import app
    from fastapi import HTTPException

    from interfaces._web_auth import signed_epoch

    async def desk(request: Request) -> JSONResponse:
        token = get_token_from_cookies(dict(request.cookies))
        try:
            user = None if token is None else await get_current_user(token=token)
        except HTTPException:  # a token that does not verify: not signed in
            user = None
        if user is None:
            return JSONResponse({"detail": "sign in first"}, status_code=401)
        context = await context_for(user.identifier, signed_epoch(token, user))
        if context is None:
            return JSONResponse({"detail": "your sign-in has ended; sign in again"}, status_code=401)
        return JSONResponse(context, headers={"Cache-Control": "no-store"})

    app.add_api_route(f"{config.run.root_path}/mikey/context", desk, methods=["GET"], include_in_schema=False)
    app.router.routes.insert(0, app.router.routes.pop())

