"""A test double of Slack on 127.0.0.1, speaking its real protocols so the real
slack-sdk and slack-bolt code runs unchanged against it:

- the Web API (``/api/<method>``, bearer token, JSON or form bodies, ``{"ok": …}``
  answers with Slack's error names): ``auth.test``, ``chat.postMessage``,
  ``chat.update``, ``chat.postEphemeral``, ``conversations.open``, ``users.info``
  and ``apps.connections.open`` (the app token's Socket Mode URL);
- Socket Mode: a WebSocket that says ``hello``, sends envelopes (``events_api``,
  ``interactive``) and records the client's acknowledgements;
- and Slack's side of HTTP mode: :func:`signed_headers` signs a request body the
  way Slack does (``v0=`` HMAC-SHA256 of ``v0:<timestamp>:<body>``), for tests to
  send to the bot's endpoint.

Messages are kept per channel and ts, with every version chat.update wrote, so a
test can read what a person in Slack would see.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

TEAM = "T0TEAM"
BOT_USER = "U0MIKEY"


@dataclass
class Posted:
    """A message as Slack holds it; ``versions`` is every state it had (posted, then each update)."""

    channel: str
    ts: str
    thread_ts: str | None
    fields: dict[str, Any]
    versions: list[dict[str, Any]] = field(default_factory=list)
    ephemeral_to: str | None = None

    @property
    def text(self) -> str:
        return str(self.fields.get("markdown_text") or self.fields.get("text") or "")

    @property
    def blocks(self) -> list[dict[str, Any]]:
        blocks = self.fields.get("blocks") or []
        return json.loads(blocks) if isinstance(blocks, str) else list(blocks)

    def all_text(self) -> str:
        """The message's text and every text inside its blocks (what a person reads)."""
        return self.text + "\n" + "\n".join(_texts(self.blocks))

    def buttons(self) -> list[dict[str, Any]]:
        return [e for b in self.blocks if b.get("type") == "actions" for e in b.get("elements", [])
                if e.get("type") == "button"]


def _texts(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["text"]] if isinstance(node.get("text"), str) else []
        return found + [t for value in node.values() for t in _texts(value)]
    if isinstance(node, list):
        return [t for item in node for t in _texts(item)]
    return []


@dataclass
class SlackDouble:
    bot_token: str = "xoxb-test-bot-token"
    app_token: str = "xapp-test-app-token"
    users: dict[str, dict[str, Any]] = field(default_factory=dict)  # user id -> users.info's user object
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    messages: list[Posted] = field(default_factory=list)
    acks: list[dict[str, Any]] = field(default_factory=list)  # Socket Mode acknowledgements
    _ts: itertools.count = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _socket: tuple[asyncio.AbstractEventLoop, asyncio.Queue[dict[str, Any]]] | None = None

    # --- what tests read ------------------------------------------------------
    def user(self, user_id: str, name: str, **profile: Any) -> None:
        self.users[user_id] = {"id": user_id, "team_id": TEAM, "name": name, "real_name": name.title(),
                               "is_bot": False, "deleted": False, **profile}

    def posted(self, *, channel: str | None = None, ephemeral: bool | None = None) -> list[Posted]:
        with self._lock:
            return [m for m in self.messages if (channel is None or m.channel == channel)
                    and (ephemeral is None or (m.ephemeral_to is not None) == ephemeral)]

    def methods(self) -> list[str]:
        with self._lock:
            return [name for name, _ in self.calls]

    # --- Socket Mode ------------------------------------------------------------
    @property
    def socket_connected(self) -> bool:
        return self._socket is not None

    def push(self, kind: str, payload: dict[str, Any]) -> str:
        """Send an envelope (``events_api`` or ``interactive``) to the connected Socket Mode client."""
        assert self._socket is not None, "no Socket Mode client is connected"
        loop, queue = self._socket
        envelope_id = str(uuid.uuid4())
        envelope = {"envelope_id": envelope_id, "type": kind, "payload": payload, "accepts_response_payload": False,
                    "retry_attempt": 0, "retry_reason": ""}
        asyncio.run_coroutine_threadsafe(queue.put(envelope), loop).result(timeout=5)
        return envelope_id

    # --- the Web API --------------------------------------------------------------
    def app(self) -> Starlette:
        return Starlette(routes=[Route("/api/{method}", self._api, methods=["GET", "POST"]),
                                 WebSocketRoute("/link/", self._link)])

    async def _api(self, request: Request) -> Response:
        method = request.path_params["method"]
        args: dict[str, Any] = dict(request.query_params)
        raw = await request.body()
        if raw:
            if request.headers.get("content-type", "").startswith("application/json"):
                args.update(json.loads(raw))
            else:
                args.update(parse_qsl(raw.decode()))
        token = request.headers.get("authorization", "").removeprefix("Bearer ") or str(args.pop("token", ""))
        with self._lock:
            self.calls.append((method, args))
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return JSONResponse({"ok": False, "error": "unknown_method"})
        wanted = self.app_token if method == "apps.connections.open" else self.bot_token
        if not token:
            return JSONResponse({"ok": False, "error": "not_authed"})
        if token != wanted:
            return JSONResponse({"ok": False, "error": "invalid_auth"})
        return JSONResponse(handler(args, request))

    def _auth_test(self, args: dict[str, Any], request: Request) -> dict[str, Any]:
        return {"ok": True, "url": "https://mikey-test.slack.com/", "team": "MIKEY test", "user": "mikey",
                "team_id": TEAM, "user_id": BOT_USER, "bot_id": "B0MIKEY", "is_enterprise_install": False}

    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    @staticmethod
    def _content(args: dict[str, Any]) -> dict[str, Any] | str:
        content = {k: args[k] for k in ("text", "markdown_text", "blocks") if args.get(k)}
        if not content:
            return "no_text"
        if "markdown_text" in content and len(content) > 1:
            return "markdown_text_conflict"
        return content

    def _chat_postMessage(self, args: dict[str, Any], request: Request) -> dict[str, Any]:
        content = self._content(args)
        if not args.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if isinstance(content, str):
            return {"ok": False, "error": content}
        message = Posted(str(args["channel"]), self._next_ts(), args.get("thread_ts"), content, [content])
        with self._lock:
            self.messages.append(message)
        return {"ok": True, "channel": message.channel, "ts": message.ts, "message": {"ts": message.ts, **content}}

    def _chat_postEphemeral(self, args: dict[str, Any], request: Request) -> dict[str, Any]:
        content = self._content(args)
        if not args.get("channel") or not args.get("user"):
            return {"ok": False, "error": "user_not_in_channel" if args.get("channel") else "channel_not_found"}
        if isinstance(content, str):
            return {"ok": False, "error": content}
        channel, user = str(args["channel"]), str(args["user"])
        if channel.startswith("D") and channel != "D" + user[1:]:  # a DM holds the bot and its one user
            return {"ok": False, "error": "user_not_in_channel"}
        message = Posted(channel, self._next_ts(), args.get("thread_ts"), content, [content], ephemeral_to=user)
        with self._lock:
            self.messages.append(message)
        return {"ok": True, "message_ts": message.ts}

    def _chat_update(self, args: dict[str, Any], request: Request) -> dict[str, Any]:
        content = self._content(args)
        with self._lock:
            found = [m for m in self.messages if m.channel == args.get("channel") and m.ts == args.get("ts")
                     and m.ephemeral_to is None]
            if not found:
                return {"ok": False, "error": "message_not_found"}
            if isinstance(content, str):
                return {"ok": False, "error": content}
            message = found[0]
            message.fields = content
            message.versions.append(content)
        return {"ok": True, "channel": message.channel, "ts": message.ts, "text": message.text}

    def _conversations_open(self, args: dict[str, Any], request: Request) -> dict[str, Any]:
        users = str(args.get("users", ""))
        if users not in self.users:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "channel": {"id": "D" + users[1:]}}

    def _users_info(self, args: dict[str, Any], request: Request) -> dict[str, Any]:
        user = self.users.get(str(args.get("user", "")))
        return {"ok": True, "user": user} if user is not None else {"ok": False, "error": "user_not_found"}

    def _apps_connections_open(self, args: dict[str, Any], request: Request) -> dict[str, Any]:
        base = str(request.base_url).replace("http://", "ws://")
        return {"ok": True, "url": f"{base}link/?ticket={uuid.uuid4()}&app_id=A0MIKEY"}

    async def _link(self, websocket: WebSocket) -> None:
        await websocket.accept()
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._socket = (asyncio.get_running_loop(), queue)
        await websocket.send_text(json.dumps({"type": "hello", "num_connections": 1,
                                              "debug_info": {"host": "double", "approximate_connection_time": 3600},
                                              "connection_info": {"app_id": "A0MIKEY"}}))

        async def send() -> None:
            while True:
                await websocket.send_text(json.dumps(await queue.get()))

        sender = asyncio.create_task(send())
        try:
            while True:
                ack = json.loads(await websocket.receive_text())
                with self._lock:
                    self.acks.append(ack)
        except WebSocketDisconnect:
            pass
        finally:
            sender.cancel()
            self._socket = None


def signed_headers(secret: str, body: str, *, timestamp: int | None = None,
                   content_type: str = "application/json") -> dict[str, str]:
    """The headers Slack sends with an Events API or interactivity request."""
    at = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{at}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": at, "X-Slack-Signature": f"v0={digest}", "Content-Type": content_type}


def event_callback(event: dict[str, Any], *, team: str = TEAM) -> dict[str, Any]:
    """An Events API ``event_callback`` envelope around ``event`` (as Slack sends it)."""
    return {"token": "legacy-verification-token", "team_id": team, "api_app_id": "A0MIKEY", "event": event,
            "type": "event_callback", "event_id": f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()), "authorizations": [{"team_id": team, "user_id": BOT_USER,
                                                                 "is_bot": True, "is_enterprise_install": False}],
            "is_ext_shared_channel": False}


def block_actions(user: str, action_id: str, value: str, *, channel: str, message_ts: str,
                  thread_ts: str | None = None, team: str = TEAM) -> dict[str, Any]:
    """The ``block_actions`` payload of a button click on the message at (channel, message_ts)."""
    container: dict[str, Any] = {"type": "message", "message_ts": message_ts, "channel_id": channel,
                                 "is_ephemeral": False}
    if thread_ts:
        container["thread_ts"] = thread_ts
    return {"type": "block_actions", "team": {"id": team, "domain": "mikey-test"},
            "user": {"id": user, "username": user.lower(), "team_id": team}, "api_app_id": "A0MIKEY",
            "token": "legacy-verification-token", "container": container, "trigger_id": f"{uuid.uuid4().int}",
            "channel": {"id": channel, "name": "directmessage"}, "message": {"ts": message_ts, "type": "message"},
            "response_url": "http://127.0.0.1:9/unused", "actions": [
                {"action_id": action_id, "block_id": "ticket", "value": value, "type": "button",
                 "action_ts": f"{time.time():.6f}"}]}
