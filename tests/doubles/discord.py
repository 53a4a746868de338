"""A test double of Discord on 127.0.0.1 for the real discord.py client: its REST API
(``/api/v10``, ``Authorization: Bot <token>``, full message objects back) and its
gateway (a WebSocket: HELLO, IDENTIFY → READY, heartbeats acknowledged, then the
dispatches a test pushes: MESSAGE_CREATE, INTERACTION_CREATE).

A test points the library at it the way the issue says: ``discord.http.Route.BASE``
and ``DiscordWebSocket.DEFAULT_GATEWAY`` (see :func:`pointed_at`).

REST routes: ``GET /users/@me``, ``GET /oauth2/applications/@me``,
``POST /users/@me/channels`` (open a DM), ``POST|PATCH /channels/{id}/messages[/{id}]``,
``POST /interactions/{id}/{token}/callback``, ``PATCH
/webhooks/{app}/{token}/messages/@original`` and ``POST /webhooks/{app}/{token}``
(follow-ups). Messages keep every version they had.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import yarl
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

BOT_ID = "900000000000000001"
APP_ID = "900000000000000002"
GUILD_ID = "900000000000000100"
CHANNEL_ID = "900000000000000200"


def user(user_id: str, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {"id": user_id, "username": name, "discriminator": "0", "global_name": name.title(), "avatar": None,
            "bot": bot, "public_flags": 0}


@dataclass
class Sent:
    channel_id: str
    id: str
    payload: dict[str, Any]
    versions: list[dict[str, Any]] = field(default_factory=list)
    ephemeral: bool = False

    @property
    def content(self) -> str:
        return str(self.payload.get("content") or "")

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return list(self.payload.get("embeds") or [])

    def buttons(self) -> list[dict[str, Any]]:
        return [c for row in self.payload.get("components") or [] for c in row.get("components", [])
                if c.get("type") == 2]

    def all_text(self) -> str:
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.get("title", ""), embed.get("description") or "",
                      (embed.get("footer") or {}).get("text", "")]
            parts += [f"{f['name']}: {f['value']}" for f in embed.get("fields", [])]
        return "\n".join(parts)


@dataclass
class DiscordDouble:
    token: str = "test-discord-bot-token"
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    sent: list[Sent] = field(default_factory=list)
    callbacks: list[dict[str, Any]] = field(default_factory=list)  # interaction responses
    _ids: itertools.count = field(default_factory=lambda: itertools.count(910_000_000_000_000_000))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _gateway: tuple[asyncio.AbstractEventLoop, asyncio.Queue[dict[str, Any]]] | None = None
    ready: bool = False
    _seq: itertools.count = field(default_factory=lambda: itertools.count(2))
    _interactions: dict[str, Sent] = field(default_factory=dict)  # interaction token -> the clicked message

    def snowflake(self) -> str:
        return str(next(self._ids))

    def posted(self, channel_id: str | None = None) -> list[Sent]:
        with self._lock:
            return [m for m in self.sent if channel_id is None or m.channel_id == channel_id]

    # --- what a test sends through the gateway ---------------------------------------
    def dispatch(self, event: str, data: dict[str, Any]) -> None:
        assert self._gateway is not None, "no gateway connection"
        loop, queue = self._gateway
        frame = {"op": 0, "t": event, "s": next(self._seq), "d": data}
        asyncio.run_coroutine_threadsafe(queue.put(frame), loop).result(timeout=5)

    def message_create(self, author: dict[str, Any], content: str, *, channel_id: str,
                       guild_id: str | None = None, mentions: list[dict[str, Any]] | None = None) -> str:
        message_id = self.snowflake()
        data = self._message(channel_id, message_id, {"content": content}, author=author)
        data["mentions"] = mentions or []
        if guild_id:
            data["guild_id"] = guild_id
            data["member"] = {"roles": [], "joined_at": data["timestamp"], "deaf": False, "mute": False,
                              "flags": 0}
        self.dispatch("MESSAGE_CREATE", data)
        return message_id

    def click(self, who: dict[str, Any], message: Sent, custom_id: str) -> str:
        """INTERACTION_CREATE for a button on ``message`` (a DM), as Discord sends it."""
        interaction_id, token = self.snowflake(), f"itoken-{self.snowflake()}"
        self._interactions[token] = message
        self.dispatch("INTERACTION_CREATE", {
            "id": interaction_id, "application_id": APP_ID, "type": 3, "token": token, "version": 1,
            "data": {"custom_id": custom_id, "component_type": 2}, "channel_id": message.channel_id,
            "channel": {"id": message.channel_id, "type": 1}, "user": who, "locale": "en-US",
            "app_permissions": "0", "entitlements": [], "authorizing_integration_owners": {"1": who["id"]},
            "context": 1, "attachment_size_limit": 10_485_760,
            "message": self._message(message.channel_id, message.id, message.payload)})
        return token

    # --- REST -------------------------------------------------------------------------
    def _message(self, channel_id: str, message_id: str, payload: dict[str, Any],
                 author: dict[str, Any] | None = None) -> dict[str, Any]:
        now = datetime.now(UTC).isoformat()
        return {"id": message_id, "channel_id": channel_id, "author": author or user(BOT_ID, "mikey", bot=True),
                "content": payload.get("content") or "", "timestamp": now, "edited_timestamp": None, "tts": False,
                "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": [],
                "embeds": payload.get("embeds") or [], "components": payload.get("components") or [],
                "pinned": False, "type": 0, "flags": payload.get("flags", 0)}

    def app(self) -> Starlette:
        api = "/api/v10"
        return Starlette(routes=[
            Route(f"{api}/users/@me", self._me), Route(f"{api}/oauth2/applications/@me", self._application),
            Route(f"{api}/users/@me/channels", self._open_dm, methods=["POST"]),
            Route(f"{api}/channels/{{channel}}/messages", self._create, methods=["POST"]),
            Route(f"{api}/channels/{{channel}}/messages/{{message}}", self._edit, methods=["PATCH"]),
            Route(f"{api}/interactions/{{id}}/{{token}}/callback", self._callback, methods=["POST"]),
            Route(f"{api}/webhooks/{{app}}/{{token}}/messages/@original", self._edit_original, methods=["PATCH"]),
            Route(f"{api}/webhooks/{{app}}/{{token}}", self._followup, methods=["POST"]),
            WebSocketRoute("/gateway/", self._ws)])

    def _authorized(self, request: Request) -> bool:
        return request.headers.get("authorization") == f"Bot {self.token}"

    @staticmethod
    def _unauthorized() -> Response:
        return JSONResponse({"message": "401: Unauthorized", "code": 0}, status_code=401)

    async def _me(self, request: Request) -> Response:
        if not self._authorized(request):
            return self._unauthorized()
        return JSONResponse({**user(BOT_ID, "mikey", bot=True), "verified": True, "mfa_enabled": False,
                             "flags": 0})

    async def _application(self, request: Request) -> Response:
        return JSONResponse({"id": APP_ID, "name": "MIKEY", "description": "", "icon": None, "bot_public": False,
                             "bot_require_code_grant": False, "owner": user("900000000000000003", "owner"),
                             "verify_key": "0" * 64, "flags": 0, "team": None, "summary": "",
                             "interactions_endpoint_url": None})

    async def _open_dm(self, request: Request) -> Response:
        recipient = str((await request.json())["recipient_id"])
        return JSONResponse({"id": f"8{recipient[1:]}", "type": 1, "last_message_id": None,
                             "recipients": [self.users.get(recipient, user(recipient, "someone"))]})

    def _store(self, channel_id: str, payload: dict[str, Any], *, ephemeral: bool = False) -> dict[str, Any]:
        message = Sent(channel_id, self.snowflake(), payload, [payload], ephemeral)
        with self._lock:
            self.sent.append(message)
        return self._message(channel_id, message.id, payload)

    async def _create(self, request: Request) -> Response:
        if not self._authorized(request):
            return self._unauthorized()
        return JSONResponse(self._store(request.path_params["channel"], await request.json()))

    def _update(self, message: Sent, payload: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            message.payload = {**message.payload, **payload}
            message.versions.append(dict(message.payload))
        return self._message(message.channel_id, message.id, message.payload)

    async def _edit(self, request: Request) -> Response:
        if not self._authorized(request):
            return self._unauthorized()
        found = [m for m in self.posted(request.path_params["channel"]) if m.id == request.path_params["message"]]
        if not found:
            return JSONResponse({"message": "Unknown Message", "code": 10008}, status_code=404)
        return JSONResponse(self._update(found[0], await request.json()))

    async def _callback(self, request: Request) -> Response:
        body = await request.json()
        with self._lock:
            self.callbacks.append({"token": request.path_params["token"], **body})
        data = body.get("data") or {}
        ephemeral = bool(data.get("flags", 0) & 64)
        message = None
        if body.get("type") == 4:  # CHANNEL_MESSAGE_WITH_SOURCE
            clicked = self._interactions[request.path_params["token"]]
            message = self._store(clicked.channel_id, data, ephemeral=ephemeral)
        if request.query_params.get("with_response") not in ("1", "true"):
            return Response(status_code=204)
        resource: dict[str, Any] = {"type": body.get("type")}
        if message is not None:
            resource["message"] = message
        return JSONResponse({"interaction": {"id": request.path_params["id"], "type": 3,
                                             "response_message_id": message["id"] if message else None,
                                             "response_message_loading": body.get("type") == 5,
                                             "response_message_ephemeral": ephemeral},
                             "resource": resource})

    async def _edit_original(self, request: Request) -> Response:
        clicked = self._interactions[request.path_params["token"]]
        return JSONResponse(self._update(clicked, await request.json()))

    async def _followup(self, request: Request) -> Response:
        clicked = self._interactions[request.path_params["token"]]
        payload = await request.json()
        return JSONResponse(self._store(clicked.channel_id, payload,
                                        ephemeral=bool(payload.get("flags", 0) & 64)))

    # --- the gateway -------------------------------------------------------------------
    async def _ws(self, websocket: WebSocket) -> None:
        await websocket.accept()
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        await websocket.send_text(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None}))

        async def send() -> None:
            while True:
                await websocket.send_text(json.dumps(await queue.get()))

        sender = asyncio.create_task(send())
        try:
            while True:
                frame = json.loads(await websocket.receive_text())
                if frame.get("op") == 1:
                    await queue.put({"op": 11, "d": None, "s": None, "t": None})
                elif frame.get("op") == 2:
                    if frame["d"].get("token") != self.token:
                        await websocket.close(code=4004)  # Authentication failed
                        return
                    self._gateway = (asyncio.get_running_loop(), queue)
                    await queue.put({"op": 0, "t": "READY", "s": 1, "d": {
                        "v": 10, "user": {**user(BOT_ID, "mikey", bot=True), "verified": True, "flags": 0},
                        "guilds": [], "session_id": "double-session", "resume_gateway_url": str(websocket.url),
                        "application": {"id": APP_ID, "flags": 0}, "shard": [0, 1]}})
                    self.ready = True
        except WebSocketDisconnect:
            pass
        finally:
            sender.cancel()
            self._gateway = None
            self.ready = False


@contextmanager
def pointed_at(base: str) -> Iterator[None]:
    """discord.py's REST base and gateway URL pointed at the double while the block runs."""
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    saved = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = f"{base}/api/v10"
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(base.replace("http://", "ws://") + "/gateway/")
    try:
        yield
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved
