"""`quantdesk bot slack|discord`: chat bots over MIKEY (entry point ``quantdesk.commands``,
kept import-light: Bolt and the agent stack load only when a bot starts)."""

from __future__ import annotations

import asyncio

import typer

bot_app = typer.Typer(help="Chat bots over MIKEY (Slack, Discord).", no_args_is_help=True)


@bot_app.command("slack")
def slack(ctx: typer.Context) -> None:
    """The Slack bot: Socket Mode (QUANTDESK_SLACK_APP_TOKEN) or HTTP events (QUANTDESK_SLACK_MODE=http)."""
    from quantdesk.cli import state

    settings = state(ctx).settings
    from interfaces.slack import missing_settings, run_slack
    from quantdesk.errors import ConfigError

    missing = missing_settings(settings)
    if missing:  # said before the agent stack loads
        raise ConfigError("; ".join(missing))
    try:
        asyncio.run(run_slack(settings))
    except KeyboardInterrupt:
        pass


@bot_app.command("discord")
def discord_bot(ctx: typer.Context) -> None:
    """The Discord bot: mentions and DMs (message content intent), tickets with Approve/Reject buttons."""
    from quantdesk.cli import state

    settings = state(ctx).settings
    from interfaces.discord_bot import missing_settings, run_discord
    from quantdesk.errors import ConfigError

    missing = missing_settings(settings)
    if missing:
        raise ConfigError("; ".join(missing))
    try:
        asyncio.run(run_discord(settings))
    except KeyboardInterrupt:
        pass


def register(app: typer.Typer) -> None:
    """Entry point (group ``quantdesk.commands``): adds ``bot`` to the CLI."""
    app.add_typer(bot_app, name="bot")
