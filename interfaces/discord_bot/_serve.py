"""Running the Discord bot: log in (REST), connect to the gateway, until interrupted.
The gateway URL and REST base are discord.py's own (Discord's); nothing to configure
but the token."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import discord

from interfaces._assembly import open_mikey, utc_now
from interfaces.discord_bot._bot import MikeyDiscord
from quantdesk.config import Settings
from quantdesk.errors import ConfigError
from quantdesk.logs import get_logger

log = get_logger(__name__)


def missing_settings(settings: Settings) -> list[str]:
    if settings.discord_bot_token is None:
        return ["QUANTDESK_DISCORD_BOT_TOKEN is not set (Developer Portal → your application → Bot → Reset Token)"]
    return []


async def run_discord(settings: Settings, *, clock: Callable[[], datetime] = utc_now) -> None:
    """`quantdesk bot discord`: until interrupted."""
    missing = missing_settings(settings)
    if missing:
        raise ConfigError("; ".join(missing))
    assert settings.discord_bot_token is not None
    async with open_mikey(settings, clock=clock) as mikey:
        client = MikeyDiscord(mikey)
        try:
            try:
                await client.login(settings.discord_bot_token.get_secret_value())
            except discord.LoginFailure:
                raise ConfigError("Discord refused QUANTDESK_DISCORD_BOT_TOKEN (check the bot token in the "
                                  "Developer Portal)") from None
            log.info("discord.ready", bot_user=str(client.user))
            try:
                await client.connect()
            except discord.PrivilegedIntentsRequired:
                raise ConfigError("Discord refused the message content intent: turn on Bot → Privileged Gateway "
                                  "Intents → Message Content Intent in the Developer Portal") from None
        finally:
            await client.close()
