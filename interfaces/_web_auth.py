"""Who is on the web page, for app.py: Chainlit made safe before it serves (session
secret, origins), the signed-in QuantDesk user of a session, and the MIKEY thread
a web conversation maps to. Chainlit is imported only inside the functions that
need it (importing it creates folders in the working directory)."""

from __future__ import annotations

import os
import re
from typing import Any

from interfaces._web_guard import OriginGuard
from quantdesk.config import Settings
from quantdesk.users import UserRecord, web_auth_secret

_CHAINLIT_THREAD = re.compile(r"^[A-Za-z0-9-]{1,64}$")  # Chainlit's ids are UUIDs


def secure_chainlit(settings: Settings) -> None:
    """Call at app.py import, before Chainlit serves anything: the session secret
    (Chainlit reads CHAINLIT_AUTH_SECRET from the environment when it signs or
    checks a session, and refuses to start with a login callback and no secret),
    the origin guard in front of every route and the socket.io endpoint, and
    Chainlit's HTTP CORS list from our settings."""
    from chainlit.config import config
    from chainlit.server import app

    os.environ["CHAINLIT_AUTH_SECRET"] = web_auth_secret(settings)
    # chainlit.server built its CORSMiddleware from this very list object and the
    # middleware stack is assembled on the first request, so filling it in place
    # makes the setting Chainlit's (empty by default: no cross-origin reads).
    config.project.allow_origins[:] = settings.web_allowed_origins
    app.add_middleware(OriginGuard, extra_origins=settings.web_allowed_origins,
                       login_path=f"{config.run.root_path}/login")


def chainlit_root_path() -> str:
    """The path the page is served under ('' at the root)."""
    from chainlit.config import config

    return config.run.root_path or ""


def chainlit_user(record: UserRecord, method: str) -> Any:
    """The Chainlit user a sign-in yields; the epoch lets a later password change end the session."""
    import chainlit as cl

    return cl.User(identifier=record.name, metadata={"epoch": record.session_epoch, "signed_in_with": method})


def signed_epoch(token: str | None, user: Any) -> Any:
    """The password epoch the session was signed in under, from its signed token.

    With a data layer Chainlit hands app code the *stored* user, whose metadata is
    from the first sign-in ever; the token's is from this sign-in, so a password
    change since then still ends the session."""
    if token:
        from chainlit.auth.jwt import decode_jwt

        return (decode_jwt(token).metadata or {}).get("epoch")
    return (getattr(user, "metadata", None) or {}).get("epoch")


def web_thread_id(user_id: str, chainlit_thread_id: str | None) -> str | None:
    """MIKEY's thread for a web conversation, inside the signed-in user's own namespace.

    Chainlit lets the browser choose its thread id, so it is never used alone: a
    second user who sends someone else's id lands in their own ``web:<them>:<id>``.
    ``:`` cannot occur in a user name, so no two users' namespaces overlap. ``None``
    for an id that is not shaped like Chainlit's."""
    if chainlit_thread_id is None or not _CHAINLIT_THREAD.fullmatch(chainlit_thread_id):
        return None
    return f"web:{user_id}:{chainlit_thread_id}"
