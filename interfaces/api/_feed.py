"""``GET /v1/events``: what happens to a trader without them asking, pushed to API
clients — alerts that fired (``alert``), and the paper keepers' fills of resting
orders and triggered stops (``fill``) and liquidations (``liquidation``), for the
key's user only, on every thread of theirs and every surface.

With ``Accept: text/event-stream`` it is a server-sent event stream that stays
open (a comment every 15 s keeps proxies from closing it), read about once a
second; without it, one JSON body with what is new since ``Last-Event-ID`` (a
polling client sends back the ``last_event_id`` it got). Every event id is the
whole cursor — the last alert and the last keeper event seen — so sending the
last id back as ``Last-Event-ID`` (as browsers' ``EventSource`` does when it
reconnects) resumes exactly after it, on any worker. With no ``Last-Event-ID``
the feed starts from now.

The feed only reads: an alert stays queued for its conversation, which shows it
at its next turn (as an ``alert`` event of that run) or on the page open on it.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Request
from fastapi.responses import StreamingResponse
from fastapi.sse import format_sse_event
from pydantic import BaseModel, Field

from interfaces.api._auth import ApiContext, CallerDep, ContextDep, shown_thread_id
from interfaces.api._errors import ApiError
from interfaces.api._threads import _STREAM_HEADERS, SSE, wants_stream, with_pings

router = APIRouter(prefix="/v1", tags=["events"])

POLL_S = 1.0
_BATCH = 100
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
# <last alert id>.<last keeper event: microseconds since the epoch>.<its signature (base58)>.<its index>
_CURSOR = re.compile(r"^(\d{1,19})\.(\d{1,19})\.([1-9A-HJ-NP-Za-km-z]{0,90})\.(\d{1,9})$")
_DOC = {200: {"description": "Without `Accept: text/event-stream`: what is new since `Last-Event-ID`, as JSON. "
                             "With it: the same events as a server-sent event stream that stays open "
                             "(`event:` alert, fill or liquidation; `id:` the cursor; `data:` JSON).",
              "content": {SSE: {"schema": {"type": "string"}}}}}


@dataclass(frozen=True)
class Cursor:
    alert_id: int
    keeper: tuple[datetime, str, int]  # (at, signature, index) of the last keeper event seen

    def __str__(self) -> str:
        at, signature, index = self.keeper
        return f"{self.alert_id}.{(at - _EPOCH) // _US}.{signature}.{index}"

    @classmethod
    def parse(cls, value: str) -> Cursor | None:
        found = _CURSOR.fullmatch(value.strip())
        if found is None:
            return None
        alert_id, micros, signature, index = found.groups()
        if int(alert_id) >= 2**63:  # past bigint: no alert has such an id
            return None
        try:
            at = _EPOCH + int(micros) * _US
        except OverflowError:
            return None
        return cls(int(alert_id), (at, signature, int(index)))


class FeedEvent(BaseModel):
    id: str = Field(description="The cursor after this event: send it as Last-Event-ID to resume after it.")
    event: Literal["alert", "fill", "liquidation"]
    data: dict[str, Any] = Field(description="`text` (what happened, for the trader); for an alert also its "
                                             "`thread_id` and `created_at`.")


class FeedPage(BaseModel):
    events: list[FeedEvent]
    last_event_id: str = Field(description="Send this as Last-Event-ID next time to get only what is newer.")


async def _start(ctx: ApiContext, user_id: str) -> Cursor:
    """From now: past the user's newest alert, and the keepers' events until this moment."""
    async with ctx.pool.connection() as conn:
        row = await (await conn.execute("SELECT coalesce(max(id), 0) FROM notifications WHERE user_id = %s",
                                        (user_id,))).fetchone()
    return Cursor(int(row[0]) if row else 0, (ctx.clock(), "", 0))


async def _read(ctx: ApiContext, user_id: str, cursor: Cursor) -> tuple[list[FeedEvent], Cursor]:
    """What is new after ``cursor``: alerts first, then keeper events, each with the cursor after it."""
    async with ctx.pool.connection() as conn:
        rows = await (await conn.execute(
            "SELECT id, thread_id, text, created_at FROM notifications WHERE user_id = %s AND id > %s "
            "ORDER BY id LIMIT %s", (user_id, cursor.alert_id, _BATCH))).fetchall()
    events: list[FeedEvent] = []
    for alert_id, thread_id, text, created_at in rows:
        cursor = Cursor(alert_id, cursor.keeper)
        events.append(FeedEvent(id=str(cursor), event="alert", data={
            "text": text, "thread_id": shown_thread_id(user_id, thread_id), "created_at": created_at.isoformat()}))
    activity = ctx.mikey.activity
    if activity is not None:
        for action in await asyncio.to_thread(activity, user_id, cursor.keeper):
            cursor = Cursor(cursor.alert_id, action.cursor)
            events.append(FeedEvent(id=str(cursor), event="liquidation" if action.kind == "liquidation" else "fill",
                                    data={"text": action.text}))
    return events, cursor


async def _stream(ctx: ApiContext, user_id: str, cursor: Cursor) -> AsyncIterator[bytes]:
    while True:
        events, cursor = await _read(ctx, user_id, cursor)
        for event in events:
            yield format_sse_event(data_str=json.dumps(event.data), event=event.event, id=event.id)
        await asyncio.sleep(POLL_S)


@router.get("/events", response_model=FeedPage, responses=_DOC)
async def events(request: Request, who: CallerDep, ctx: ContextDep,
                 last_event_id: Annotated[str | None, Header(max_length=160, description=(
                     "Resume after this event id (the last one seen, or a JSON page's last_event_id); "
                     "without it the feed starts from now."))] = None) -> Any:
    """Alerts, keeper fills and liquidations on your account as they happen (see the module doc)."""
    if last_event_id:
        cursor = Cursor.parse(last_event_id)
        if cursor is None:
            raise ApiError(400, "invalid_last_event_id", "Last-Event-ID must be an event id this feed sent "
                                                         "(<alert>.<time>.<signature>.<index>)")
    else:
        cursor = await _start(ctx, who.user_id)
    if wants_stream(request):
        return StreamingResponse(with_pings(_stream(ctx, who.user_id, cursor)), media_type=SSE,
                                 headers=_STREAM_HEADERS)
    found, cursor = await _read(ctx, who.user_id, cursor)
    return FeedPage(events=found, last_event_id=str(cursor))
