"""``POST /v1/link-codes``: a one-time code that links a Slack or Discord identity
to the caller's user. The trader sends it to the bot in a direct message; it works
once, for ``QUANTDESK_LINK_CODE_TTL_S`` seconds, and only its SHA-256 is stored
(``quantdesk/users/_links.py``)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from fastapi import APIRouter
from pydantic import BaseModel, Field

from interfaces.api._auth import CallerDep, ContextDep
from quantdesk.users import IdentityLinks

router = APIRouter(prefix="/v1/link-codes", tags=["identity"])


class LinkCode(BaseModel):
    code: str = Field(description="QD-XXXX-XXXX-XXXX, shown this once.")
    user_id: str
    expires_at: datetime
    how: str = Field(description="What to do with it.")


@router.post("", response_model=LinkCode, status_code=201)
async def create_link_code(who: CallerDep, ctx: ContextDep) -> LinkCode:
    """A new link code for you: send `link CODE` to the MIKEY bot in Slack or Discord in a direct message."""
    links = IdentityLinks(ctx.mikey.db.pool)
    ttl = timedelta(seconds=ctx.mikey.settings.link_code_ttl_s)
    made = await asyncio.to_thread(links.create_code, who.user_id, now=ctx.clock(), ttl=ttl)
    return LinkCode(code=made.code, user_id=made.user_id, expires_at=made.expires_at,
                    how=f"send `link {made.code}` to the MIKEY bot in a direct message (Slack or Discord) before "
                        f"it expires; it works once")
