"""``POST /v1/chat/completions``: MIKEY behind the OpenAI chat-completions shape,
which voice stacks (Pipecat's ``OpenAILLMService``, LiveKit's ``openai.LLM``, a
realtime model's supervisor tool) and most bot frameworks already speak.

The thread comes from the ``X-Mikey-Thread-Id`` header (else the ``user`` field,
else the key's user's ``default`` thread). MIKEY keeps the conversation itself,
so only the last user message is sent: a client that re-sends the whole history
every time does not repeat it. ``tools``, ``tool_choice`` and other sampling
options are accepted and ignored (MIKEY's own tools run server side); usage is an
estimate (characters / 4) since the default rules model counts no tokens.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import time
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from interfaces.api._auth import CallerDep, ContextDep, api_thread_id
from interfaces.api._errors import ApiError
from interfaces.api._events import Emitted, Translator, ticket_sentence
from interfaces.api._threads import SSE, check_message, translated, with_pings

router = APIRouter(prefix="/v1", tags=["openai-compatible"])

_THREAD = re.compile(r"^[A-Za-z0-9._@+-][A-Za-z0-9._:@+-]{0,127}$")


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: str
    content: str | list[dict[str, Any]] | None = None


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")
    include_usage: bool = False


class ChatCompletionRequest(BaseModel):
    """OpenAI's request body; fields MIKEY does not use are accepted and ignored."""

    model_config = ConfigDict(extra="allow")
    model: str = Field("mikey", max_length=200)
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    stream_options: StreamOptions | None = None
    tools: list[Any] | None = None
    tool_choice: Any = None
    user: str | None = Field(None, max_length=256)


class CompletionMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    index: int = 0
    message: CompletionMessage
    finish_reason: Literal["stop"] = "stop"
    logprobs: None = None


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage


def _last_user_text(body: ChatCompletionRequest) -> str:
    for message in reversed(body.messages):
        if message.role != "user":
            continue
        if isinstance(message.content, str):
            text = message.content
        else:
            text = " ".join(str(p.get("text", "")) for p in message.content or [] if p.get("type") == "text")
        if text.strip():
            return text
        break
    raise ApiError(422, "no_user_message", "the last user message is missing or empty; send what the trader said "
                                           "as a message with role 'user'")


def _thread(header: str | None, user: str | None) -> str:
    thread = header or user or "default"
    if not _THREAD.fullmatch(thread):
        raise ApiError(422, "invalid_thread", "the thread (X-Mikey-Thread-Id, else 'user') is 1-128 letters, "
                                              "digits and . _ : @ + - (not starting with ':')")
    return thread


def _said(name: str, data: dict[str, Any], speech: bool) -> str | None:
    """What the trader hears or reads of one event; ``None``: nothing."""
    if name == "text_delta":
        return str(data["delta"])
    if speech:
        return None  # speech puts everything to say in text_delta already
    if name == "ticket":
        return ticket_sentence(data["ticket"])
    if name == "execution":
        return str(data.get("text", ""))
    if name == "alert":
        return f"Alert: {data['text']}"
    if name == "error":
        return str(data.get("message", ""))
    return None


async def _content(events: AsyncIterator[Emitted], speech: bool) -> AsyncIterator[str]:
    """The reply as pieces of text: model tokens run on, other pieces are set apart."""
    last = None
    async for name, data in events:
        said = _said(name, data, speech)
        if not said:
            continue
        if last is not None and (speech or name != "text_delta" or last != "text_delta"):
            said = (" " if speech else "\n\n") + said
        last = name
        yield said


def _usage(prompt: str, completion: str) -> Usage:
    p, c = math.ceil(len(prompt) / 4), math.ceil(len(completion) / 4)
    return Usage(prompt_tokens=p, completion_tokens=c, total_tokens=p + c)


def _chunk(base: dict[str, Any], delta: dict[str, Any], finish: str | None = None) -> bytes:
    body = {**base, "object": "chat.completion.chunk",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}]}
    return f"data: {json.dumps(body)}\n\n".encode()


async def _stream(base: dict[str, Any], pieces: AsyncIterator[str], prompt: str, usage: bool) -> AsyncIterator[bytes]:
    yield _chunk(base, {"role": "assistant", "content": ""})
    sent = []
    async for piece in pieces:
        sent.append(piece)
        yield _chunk(base, {"content": piece})
    yield _chunk(base, {}, "stop")
    if usage:
        body = {**base, "object": "chat.completion.chunk", "choices": [],
                "usage": _usage(prompt, "".join(sent)).model_dump()}
        yield f"data: {json.dumps(body)}\n\n".encode()
    yield b"data: [DONE]\n\n"


@router.post("/chat/completions", response_model=ChatCompletion,
             responses={200: {"description": "With `stream: true`: `chat.completion.chunk` server-sent events "
                                             "ending in `data: [DONE]`.", "content": {SSE: {}}}})
async def chat_completions(
        body: ChatCompletionRequest, who: CallerDep, ctx: ContextDep,
        x_mikey_thread_id: Annotated[str | None, Header(description="The MIKEY thread this call speaks in.")] = None,
        x_mikey_format: Annotated[Literal["text", "speech"] | None, Header(
            description="'speech': the default format becomes speech (text-to-speech ready).")] = None,
        format: Annotated[Literal["text", "speech"] | None, Query(
            description="Overrides X-Mikey-Format for this call.")] = None) -> Any:
    """One turn of MIKEY in OpenAI's chat-completions shape (streamed or not)."""
    text = _last_user_text(body)
    check_message(ctx, text)
    thread = api_thread_id(who.user_id, _thread(x_mikey_thread_id, body.user))
    speech = (format or x_mikey_format or "text") == "speech"
    voice = speech and await asyncio.to_thread(ctx.users.voice_approval, who.user_id)
    events = translated(Translator(speech=speech, voice_approval=voice),
                        ctx.mikey.session.send(thread, who.user_id, text))
    pieces = _content(events, speech)
    base = {"id": f"chatcmpl-{uuid.uuid4().hex}", "created": int(time.time()), "model": body.model}
    if body.stream:
        usage = body.stream_options is not None and body.stream_options.include_usage
        return StreamingResponse(with_pings(_stream(base, pieces, text, usage)), media_type=SSE,
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
    content = "".join([piece async for piece in pieces])
    return ChatCompletion(**base, choices=[Choice(message=CompletionMessage(content=content))],
                          usage=_usage(text, content))
