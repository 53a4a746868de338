"""`quantdesk user add|passwd|remove|list`: an operator's control of who may sign in
to the web page, and the local user `quantdesk run` creates on first run.

Passwords are asked for on the terminal with input hidden, or read from the first
line of stdin with ``--password-stdin`` (for scripts); never taken as an argument,
which would land in shell history and the process list.
"""

from __future__ import annotations

import getpass
import sys

import typer
from rich.console import Console
from rich.table import Table

from quantdesk.cli._state import state
from quantdesk.config import Settings
from quantdesk.db import Database, migrate, open_database
from quantdesk.errors import ConfigError
from quantdesk.users import UnknownUser, UserStore, check_password, local_user_name, validate_user_name, web_auth_secret

user_app = typer.Typer(help="Users who may sign in to the web page.", no_args_is_help=True)

_NAME = typer.Argument(..., help="The user name (also their trader id: wallet, positions, threads).")
_FROM_STDIN = typer.Option(False, "--password-stdin", help="Read the password from the first line of stdin.")


@user_app.command("add")
def user_add(ctx: typer.Context, name: str = _NAME, password_stdin: bool = _FROM_STDIN,
             no_password: bool = typer.Option(False, "--no-password",
                                              help="No password: only an auth proxy's header signs them in.")) -> None:
    """Add a user (asks for their password)."""
    st = state(ctx)
    validate_user_name(name)
    if no_password and password_stdin:
        raise ConfigError("--no-password and --password-stdin contradict each other; pass one")
    password = None if no_password else _read_password(name, password_stdin)
    with open_database(st.settings) as db:
        migrate(db)
        UserStore(db.pool).add(name, password, by="cli")
    how = "signs in through the auth proxy only" if no_password else "can sign in with that password"
    st.console.print(f"added user {name}: {how}")


@user_app.command("passwd")
def user_passwd(ctx: typer.Context, name: str = _NAME, password_stdin: bool = _FROM_STDIN) -> None:
    """Set a user's password; their open web sessions end."""
    st = state(ctx)
    validate_user_name(name)
    with open_database(st.settings) as db:
        migrate(db)
        store = UserStore(db.pool)
        if store.get(name) is None:  # ask for nothing when there is no one to set it for
            raise UnknownUser.named(name)
        store.set_password(name, _read_password(name, password_stdin))
    st.console.print(f"password of {name} changed; their web sessions signed in before now have ended")


@user_app.command("remove")
def user_remove(ctx: typer.Context, name: str = _NAME) -> None:
    """Remove a user: they can no longer sign in (their paper wallet and history stay)."""
    st = state(ctx)
    validate_user_name(name)
    with open_database(st.settings) as db:
        migrate(db)
        UserStore(db.pool).remove(name)
    st.console.print(f"removed user {name}; their paper wallet, positions and history are kept")


@user_app.command("list")
def user_list(ctx: typer.Context) -> None:
    """Every user, whether they have a password, and when they were added."""
    st = state(ctx)
    with open_database(st.settings) as db:
        migrate(db)
        users = UserStore(db.pool).list()
    table = Table(title="users")
    for column in ("user", "password", "added", "by", "changed"):
        table.add_column(column)
    for user in users:
        table.add_row(user.name, "set" if user.has_password else "none (proxy only)",
                      user.created_at.isoformat(timespec="seconds"), user.created_by,
                      user.updated_at.isoformat(timespec="seconds"))
    st.console.print(table)
    st.console.print(f"{len(users)} user{'s' if len(users) != 1 else ''}")


def first_run_sign_in(settings: Settings, db: Database, console: Console) -> None:
    """Before the web page starts: its session secret exists, and on first run the local
    user is created and their generated password printed, this once (never logged)."""
    web_auth_secret(settings)
    if settings.web_auth != "password":
        return
    name = local_user_name()
    password = UserStore(db.pool).add_with_generated_password(name, by="first run")
    if password is not None:
        console.print(f"[bold]web sign-in[/]: user [bold]{name}[/], password [bold]{password}[/] "
                      f"(shown this once; `quantdesk user passwd {name}` sets another)",
                      highlight=False, soft_wrap=True)


def _read_password(name: str, from_stdin: bool) -> str:
    if from_stdin:
        return check_password(sys.stdin.readline().removesuffix("\n").removesuffix("\r"))
    if not sys.stdin.isatty():
        raise ConfigError("no terminal to ask for the password on; pipe it in with --password-stdin")
    password = check_password(getpass.getpass(f"password for {name}: "))
    if getpass.getpass("repeat it: ") != password:
        raise ConfigError("the two passwords differ; nothing was changed")
    return password
