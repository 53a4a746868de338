"""Running the Slack bot: the Bolt app over one MIKEY, in Socket Mode (an outgoing
WebSocket: no public URL) or as the HTTP endpoint Slack's Events API and
interactivity requests are sent to (``POST /slack/events``, every request's
signature verified by Bolt with the signing secret).

HTTP mode serves Bolt through its Starlette adapter under uvicorn, not Bolt's own
``app.start()`` server, which its docs call a development server.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

import uvicorn
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from interfaces._assembly import Mikey, open_mikey, utc_now
from interfaces.slack._bot import SlackBot
from quantdesk.config import Settings
from quantdesk.errors import ConfigError, port_error
from quantdesk.logs import get_logger

log = get_logger(__name__)
EVENTS_PATH = "/slack/events"


def missing_settings(settings: Settings) -> list[str]:
    """What the configured mode lacks, one phrase each (empty: ready to start)."""
    missing = []
    if settings.slack_bot_token is None:
        missing.append("QUANTDESK_SLACK_BOT_TOKEN is not set (the bot token, xoxb-…, from OAuth & Permissions)")
    if settings.slack_mode == "socket" and settings.slack_app_token is None:
        missing.append("QUANTDESK_SLACK_APP_TOKEN is not set (Socket Mode needs an app-level token, xapp-…, with "
                       "connections:write; or set QUANTDESK_SLACK_MODE=http and QUANTDESK_SLACK_SIGNING_SECRET)")
    if settings.slack_mode == "http" and settings.slack_signing_secret is None:
        missing.append("QUANTDESK_SLACK_SIGNING_SECRET is not set (HTTP mode verifies every request with it: "
                       "Basic Information → Signing Secret)")
    return missing


def web_client(settings: Settings) -> AsyncWebClient:
    assert settings.slack_bot_token is not None
    return AsyncWebClient(token=settings.slack_bot_token.get_secret_value(), base_url=settings.slack_api_url)


@dataclass(frozen=True)
class SlackApp:
    bot: SlackBot
    bolt: AsyncApp


def build_slack_app(mikey: Mikey, client: AsyncWebClient, settings: Settings, *, expiry_tick_s: float = 5.0,
                    stream_interval_s: float = 1.0) -> SlackApp:
    """The Bolt app with MIKEY's listeners, talking to Slack through ``client``."""
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    # Socket Mode requests are not signed (the WebSocket is authenticated by the app token);
    # Bolt skips verification for them and verifies every HTTP request with the secret.
    bolt = AsyncApp(client=client, signing_secret=secret, name="mikey",
                    process_before_response=False)
    bot = SlackBot(mikey, client, expiry_tick_s=expiry_tick_s, stream_interval_s=stream_interval_s)
    bot.register(bolt)
    return SlackApp(bot, bolt)


def http_app(bolt: AsyncApp) -> Starlette:
    handler = AsyncSlackRequestHandler(bolt)

    async def events(request: Request) -> Response:
        return await handler.handle(request)

    async def healthz(_: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(routes=[Route(EVENTS_PATH, events, methods=["POST"]), Route("/healthz", healthz)])


async def check_token(client: AsyncWebClient) -> dict[str, str]:
    """Who the bot token is (``auth.test``); ConfigError naming Slack's reason when it is refused."""
    try:
        me = await client.auth_test()
    except SlackApiError as exc:
        raise ConfigError(f"Slack refused QUANTDESK_SLACK_BOT_TOKEN: {exc.response.get('error', 'error')} "
                          "(check the bot token, xoxb-…, and that the app is installed in the workspace)") from None
    return {"team": str(me.get("team_id")), "bot_user": str(me.get("user_id"))}


def bind(host: str, port: int) -> socket.socket:
    """The HTTP mode's listening socket, bound before anything starts (a busy port is one error line)."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise port_error(host, port, "QUANTDESK_SLACK_PORT", exc) from None
    return sock


@asynccontextmanager
async def running_http(app: SlackApp, sock: socket.socket) -> AsyncIterator[uvicorn.Server]:
    """Serve Slack's requests on ``sock`` until the block ends."""
    server = uvicorn.Server(uvicorn.Config(http_app(app.bolt), log_level="warning", access_log=False,
                                           lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
                raise ConfigError("the Slack HTTP endpoint did not start")
            await asyncio.sleep(0.01)
        yield server
    finally:
        server.should_exit = True
        await task


async def run_slack(settings: Settings, *, clock: Callable[[], datetime] = utc_now) -> None:
    """`quantdesk bot slack`: until interrupted."""
    missing = missing_settings(settings)
    if missing:
        raise ConfigError("; ".join(missing))
    client = web_client(settings)
    me = await check_token(client)
    sock = bind(settings.host, settings.slack_port) if settings.slack_mode == "http" else None
    async with open_mikey(settings, clock=clock) as mikey:
        app = build_slack_app(mikey, client, settings)
        try:
            if sock is not None:
                async with running_http(app, sock) as server:
                    log.info("slack.ready", mode="http", host=settings.host, port=settings.slack_port,
                             path=EVENTS_PATH, **me)
                    while not server.should_exit:
                        await asyncio.sleep(0.5)
            else:
                assert settings.slack_app_token is not None
                handler = AsyncSocketModeHandler(app.bolt, settings.slack_app_token.get_secret_value())
                await handler.connect_async()
                log.info("slack.ready", mode="socket", **me)
                try:
                    await asyncio.Event().wait()
                finally:
                    await handler.close_async()
        finally:
            await app.bot.aclose()
