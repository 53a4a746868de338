"""`quantdesk api-key create|list|revoke`: keys for the chat API, one user each, and
`quantdesk user voice-approval`: whether that user's tickets may be approved by a
spoken read-back of their code.

A key is printed once, when it is made (it is stored only as a hash); lost, revoke
it and make another.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import typer
from rich.table import Table

from quantdesk.cli._input import user_option
from quantdesk.cli._state import state
from quantdesk.db import migrate, open_database
from quantdesk.users import ApiKeyStore, UnknownUser, UserStore

api_key_app = typer.Typer(help="Keys for the chat API (each acts as one user).", no_args_is_help=True)


def _when(at: datetime | None) -> str:
    return "—" if at is None else at.isoformat(timespec="seconds")


@api_key_app.command("create")
def api_key_create(ctx: typer.Context, user: str = user_option(),
                   name: str = typer.Option("", "--name", help="A label to tell keys apart (e.g. the bot's name).")
                   ) -> None:
    """Make a key for a user and print it, this once."""
    st = state(ctx)
    with open_database(st.settings) as db:
        migrate(db)
        made = ApiKeyStore(db.pool).create(user, name)
    # Printed plainly (no markup, no wrapping) so it can be copied whole.
    print(made.key)
    st.console.print(f"api key {made.record.prefix} for {user} created: shown this once, keep it secret "
                     f"(`quantdesk api-key revoke {made.record.prefix}` stops it)", highlight=False, soft_wrap=True)


@api_key_app.command("list")
def api_key_list(ctx: typer.Context, user: str = typer.Option(None, "--user", help="Only this user's keys.")) -> None:
    """Every key: prefix, user, name, when made and last used, and whether revoked (never the key)."""
    st = state(ctx)
    with open_database(st.settings) as db:
        migrate(db)
        keys = ApiKeyStore(db.pool).list(user)
    table = Table(title="api keys")
    for column in ("prefix", "user", "name", "created", "last used", "revoked"):
        table.add_column(column)
    for key in keys:
        table.add_row(key.prefix, key.user_id, key.name, _when(key.created_at), _when(key.last_used_at),
                      _when(key.revoked_at))
    st.console.print(table)
    st.console.print(f"{len(keys)} key{'s' if len(keys) != 1 else ''}")


@api_key_app.command("revoke")
def api_key_revoke(ctx: typer.Context,
                   prefix: str = typer.Argument(..., help="The key's prefix, as `api-key list` shows it.")) -> None:
    """Revoke a key: requests with it are refused from now on."""
    st = state(ctx)
    with open_database(st.settings) as db:
        migrate(db)
        record = ApiKeyStore(db.pool).revoke(prefix)
    st.console.print(f"api key {record.prefix} of {record.user_id} revoked", highlight=False)


def voice_approval_command(ctx: typer.Context,
                           setting: Literal["on", "off"] | None = typer.Argument(
                               None, help="on or off; leave out to show the current setting."),
                           user: str = user_option()) -> None:
    """Whether the user may approve a ticket by reading back its 4-character code (off by default)."""
    st = state(ctx)
    with open_database(st.settings) as db:
        migrate(db)
        store = UserStore(db.pool)
        if store.get(user) is None:
            raise UnknownUser.named(user)
        if setting is not None:
            store.set_voice_approval(user, setting == "on")
        on = store.voice_approval(user)
    how = ("a voice client may approve their tickets by reading back the ticket's code" if on else
           "their tickets are approved on a human surface only (web, terminal, or the API with the full hash)")
    st.console.print(f"voice approval for {user} is {'on' if on else 'off'}: {how}", highlight=False)
