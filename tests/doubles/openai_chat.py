"""A test double of an OpenAI-compatible chat-completions endpoint
(``POST /v1/chat/completions``), speaking the real wire format, JSON and SSE
streaming, so the real provider client (langchain-openai / openai) runs.

Each request is answered by the next scripted reply: text, tool calls, or an
HTTP error. Every request body is recorded for assertions.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route


@dataclass(frozen=True)
class Reply:
    content: str | None = None
    tool_calls: tuple[tuple[str, dict[str, Any]], ...] = ()
    status: int = 200


Script = Callable[[dict[str, Any]], Reply]


@dataclass
class ChatDouble:
    """Replies in order from ``replies`` (or via ``script``); records requests."""

    replies: list[Reply] = field(default_factory=list)
    script: Script | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    api_key: str = "test-key"

    def _next(self, body: dict[str, Any]) -> Reply:
        if self.script is not None:
            return self.script(body)
        if not self.replies:
            return Reply(status=500, content="chat double has no scripted reply left")
        return self.replies.pop(0)

    async def _completions(self, request: Request) -> Response:
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            return JSONResponse({"error": {"message": "Incorrect API key provided", "type": "invalid_request_error",
                                           "code": "invalid_api_key"}}, status_code=401)
        body = await request.json()
        self.requests.append(body)
        reply = self._next(body)
        if reply.status != 200:
            return JSONResponse({"error": {"message": reply.content or "error", "type": "server_error"}},
                                status_code=reply.status)
        tool_calls = [
            {"id": f"call_{len(self.requests)}_{i}", "type": "function",
             "function": {"name": name, "arguments": json.dumps(args)}}
            for i, (name, args) in enumerate(reply.tool_calls)
        ]
        message: dict[str, Any] = {"role": "assistant", "content": reply.content}
        if tool_calls:
            message["tool_calls"] = tool_calls
        finish = "tool_calls" if tool_calls else "stop"
        created = int(time.time())
        model = body.get("model", "double")
        if body.get("stream"):
            return StreamingResponse(self._sse(message, finish, created, model), media_type="text/event-stream")
        return JSONResponse({
            "id": f"chatcmpl-{len(self.requests)}", "object": "chat.completion", "created": created, "model": model,
            "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        })

    async def _sse(self, message: dict[str, Any], finish: str, created: int, model: str):  # noqa: ANN202
        def chunk(delta: dict[str, Any], reason: str | None) -> str:
            payload = {"id": "chatcmpl-stream", "object": "chat.completion.chunk", "created": created,
                       "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": reason}]}
            return f"data: {json.dumps(payload)}\n\n"

        yield chunk({"role": "assistant", "content": ""}, None)
        for word in (message.get("content") or "").split(" "):
            if word:
                yield chunk({"content": word + " "}, None)
        for i, call in enumerate(message.get("tool_calls", [])):
            yield chunk({"tool_calls": [{"index": i, **call}]}, None)
        yield chunk({}, finish)
        yield "data: [DONE]\n\n"

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/v1/chat/completions", self._completions, methods=["POST"])])
