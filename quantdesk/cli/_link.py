"""`quantdesk link slack|discord|list|remove|code`: an operator links a platform
identity to a QuantDesk user, or makes the trader a one-time link code to send to
the bot in a direct message (see quantdesk/users/_links.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import typer
from rich.table import Table

from quantdesk.cli._input import user_option
from quantdesk.cli._state import state
from quantdesk.db import migrate, open_database
from quantdesk.users import IdentityLinks, LinkRecord

link_app = typer.Typer(help="Link Slack and Discord identities to QuantDesk users.", no_args_is_help=True)

_SLACK_ID = typer.Option(..., "--id", help="Team id and user id as T123ABC:U456DEF (Slack: profile → ⋮ → "
                                           "Copy member ID; the team id is in the workspace URL or auth.test).")
_DISCORD_ID = typer.Option(..., "--id", help="The Discord user id (Developer Mode → right-click → Copy User ID).")


def _link(ctx: typer.Context, platform: str, user: str, external_id: str) -> None:
    st = state(ctx)
    with open_database(st.settings) as db:
        migrate(db)
        record = IdentityLinks(db.pool).link(platform, external_id.strip(), user, by="cli")
    st.console.print(f"{platform} {record.external_id} is linked to {record.user_id}: it can now chat with MIKEY "
                     "and approve that user's tickets", highlight=False, soft_wrap=True)


@link_app.command("slack")
def link_slack(ctx: typer.Context, user: str = user_option(required=True), external_id: str = _SLACK_ID) -> None:
    """Link a Slack user (team id : user id) to a QuantDesk user."""
    _link(ctx, "slack", user, external_id)


@link_app.command("discord")
def link_discord(ctx: typer.Context, user: str = user_option(required=True), external_id: str = _DISCORD_ID) -> None:
    """Link a Discord user id to a QuantDesk user."""
    _link(ctx, "discord", user, external_id)


@link_app.command("remove")
def link_remove(ctx: typer.Context,
                platform: str = typer.Argument(..., help="slack or discord."),
                external_id: str = typer.Option(..., "--id", help="The linked id, as `link list` shows it.")) -> None:
    """Unlink an identity: it can do nothing but link again."""
    st = state(ctx)
    with open_database(st.settings) as db:
        migrate(db)
        record = IdentityLinks(db.pool).unlink(platform, external_id.strip())
    st.console.print(f"{record.platform} {record.external_id} is no longer linked to {record.user_id}",
                     highlight=False)


@link_app.command("list")
def link_list(ctx: typer.Context, user: str = typer.Option(None, "--user", help="Only this user's links.")) -> None:
    """Every link: platform, id, user, when and how it was made."""
    st = state(ctx)
    with open_database(st.settings) as db:
        migrate(db)
        links: list[LinkRecord] = IdentityLinks(db.pool).list(user)
    table = Table(title="identity links")
    for column in ("platform", "id", "user", "linked", "by"):
        table.add_column(column)
    for link in links:
        table.add_row(link.platform, link.external_id, link.user_id, link.linked_at.isoformat(timespec="seconds"),
                      link.linked_by)
    st.console.print(table)
    st.console.print(f"{len(links)} link{'s' if len(links) != 1 else ''}")


@link_app.command("code")
def link_code(ctx: typer.Context, user: str = user_option()) -> None:
    """A one-time link code for a user to send to the bot in a direct message (printed once)."""
    st = state(ctx)
    with open_database(st.settings) as db:
        migrate(db)
        made = IdentityLinks(db.pool).create_code(user, now=datetime.now(UTC),
                                                  ttl=timedelta(seconds=st.settings.link_code_ttl_s))
    print(made.code)
    st.console.print(f"link code for {user}, valid once until {made.expires_at.isoformat(timespec='seconds')}: "
                     f"send `link {made.code}` to the MIKEY bot in a direct message", highlight=False, soft_wrap=True)
