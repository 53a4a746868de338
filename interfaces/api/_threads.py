"""Threads and runs: ``POST /v1/threads/{id}/runs`` (a message, streamed as
server-sent events or answered as one JSON body) and ``GET /v1/threads/{id}``."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.responses import StreamingResponse
from fastapi.sse import KEEPALIVE_COMMENT, format_sse_event

from agent import ChatEvent
from interfaces.api._auth import ApiContext, CallerDep, ContextDep, api_thread_id
from interfaces.api._errors import ApiError, not_found
from interfaces.api._events import Emitted, Translator
from interfaces.api._models import (
    Event,
    Format,
    Message,
    PageBefore,
    PageLimit,
    RunRequest,
    RunResult,
    ThreadId,
    ThreadView,
)
from interfaces.api._runs import ApiEvent, parse_event_id

router = APIRouter(prefix="/v1", tags=["threads"])

SSE = "text/event-stream"
_PING_S = 15.0
_STREAM_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
_SSE_DOC = {200: {"description": "Without `Accept: text/event-stream`: every event of the run in one body. With it: "
                                 "the same events as server-sent events (`event:` the name, `id:` the event id, "
                                 "`data:` JSON), ending with `run_finished`.",
                  "content": {SSE: {"schema": {"type": "string"}}}}}


def wants_stream(request: Request) -> bool:
    return SSE in request.headers.get("accept", "")


def check_message(ctx: ApiContext, text: str) -> None:
    limit = ctx.mikey.settings.api_max_message_chars
    if len(text) > limit:
        raise ApiError(422, "message_too_long", f"a message has at most {limit} characters (got {len(text)}); "
                                                "send a shorter one")


async def translated(translator: Translator, events: AsyncIterator[ChatEvent]) -> AsyncIterator[Emitted]:
    async for event in events:
        for emitted in translator.translate(event):
            yield emitted
    for emitted in translator.finish():
        yield emitted


async def with_pings(chunks: AsyncIterator[bytes], every_s: float = _PING_S) -> AsyncIterator[bytes]:
    """``chunks``, with an SSE comment whenever nothing was sent for ``every_s`` (keeps proxies from
    closing a quiet stream). The source is read in a task of its own, so a ping never cancels it."""
    queue: asyncio.Queue[bytes | None] = asyncio.Queue()

    async def pump() -> None:
        try:
            async for chunk in chunks:
                await queue.put(chunk)
        finally:
            await queue.put(None)

    task = asyncio.create_task(pump())
    try:
        while True:
            try:
                chunk = await asyncio.wait_for(queue.get(), every_s)
            except TimeoutError:
                yield KEEPALIVE_COMMENT
                continue
            if chunk is None:
                break
            yield chunk
        await task  # surfaces a failure of the source
    finally:
        task.cancel()


async def _sse(events: AsyncIterator[ApiEvent]) -> AsyncIterator[bytes]:
    async for event in events:
        yield format_sse_event(data_str=json.dumps(event.data), event=event.event, id=event.id)


@router.post("/threads/{thread_id}/runs", response_model=RunResult, responses=_SSE_DOC)
async def create_run(thread_id: ThreadId, body: RunRequest, request: Request, who: CallerDep, ctx: ContextDep,
                     format: Format = "text",
                     last_event_id: Annotated[str | None, Header(description=(
                         "Resume a dropped stream after this event id: the run is not started again, its "
                         "remaining events are sent (the body is then ignored)."))] = None) -> Any:
    """Send a message to MIKEY in this thread and get the turn's events."""
    thread = api_thread_id(who.user_id, thread_id)
    if last_event_id:
        parsed = parse_event_id(last_event_id)
        if parsed is None:
            raise ApiError(400, "invalid_last_event_id", "Last-Event-ID must be an event id this API sent "
                                                         "(<run id>:<number>)")
        run_id, after = parsed
        if await ctx.runs.owner(run_id) != (who.user_id, thread):
            raise not_found(f"no run {run_id} in thread {thread_id}")
    else:
        check_message(ctx, body.message)
        voice = format == "speech" and await asyncio.to_thread(ctx.users.voice_approval, who.user_id)
        translator = Translator(speech=format == "speech", voice_approval=voice)
        run_id, after = await ctx.runs.start(
            who.user_id, thread, translated(translator, ctx.mikey.session.send(thread, who.user_id, body.message))), 0
    events = ctx.runs.follow(run_id, after)
    if wants_stream(request):
        return StreamingResponse(with_pings(_sse(events)), media_type=SSE, headers=_STREAM_HEADERS)
    collected = [Event(**e.to_json()) async for e in events]
    outcome = collected[-1].data.get("outcome", "error") if collected else "error"
    return RunResult(run_id=run_id, thread_id=thread_id, outcome=outcome, events=collected)


def _messages(history: list[ChatEvent]) -> list[Message]:
    messages = []
    for event in history:
        data = event.data
        if event.type == "text":
            messages.append(Message(role=data.get("role", "assistant"), content=str(data["text"])))
        elif event.type == "execution":
            messages.append(Message(role="assistant", content=str(data.get("text", ""))))
        elif event.type == "tool_result":
            messages.append(Message(role="tool", name=data["name"], content=str(data["text"])))
    return messages


@router.get("/threads/{thread_id}", response_model=ThreadView)
async def read_thread(thread_id: ThreadId, who: CallerDep, ctx: ContextDep, limit: PageLimit = 100,
                      before: PageBefore = None) -> ThreadView:
    """The conversation's newest messages (a page: `limit`, and `before` to go back) and the ticket waiting
    for approval, if any (404: no such thread of yours)."""
    page = await ctx.mikey.session.history_page(api_thread_id(who.user_id, thread_id), limit=limit, before=before)
    if not page.events and page.total == 0:
        raise not_found(f"you have no thread {thread_id}")
    pending = next((e.data["ticket"] for e in reversed(page.events) if e.type == "ticket"), None)
    return ThreadView(thread_id=thread_id, messages=_messages(page.events), pending_ticket=pending,
                      next_before=page.start if page.start > 0 else None)
