"""The `quantdesk` command line. Errors we raise on purpose print one line and
exit with code 2; ``--debug`` shows the traceback instead."""

from __future__ import annotations

import signal
import sys
from importlib.metadata import entry_points

import typer
from rich.console import Console

from quantdesk.cli._alerts import alerts_command
from quantdesk.cli._api_key import api_key_app, voice_approval_command
from quantdesk.cli._config import config_app
from quantdesk.cli._db import db_app
from quantdesk.cli._ingest import ingest_app, ingest_service
from quantdesk.cli._input import InvalidCliInput, cli_decimal, cli_integer, user_option
from quantdesk.cli._link import link_app
from quantdesk.cli._paper import faucet_command, keepers_command, orders_command, positions_command
from quantdesk.cli._risk import risk_app
from quantdesk.cli._run import run_command
from quantdesk.cli._state import CliState, state
from quantdesk.cli._user import user_app
from quantdesk.cli._wallet import wallet_app
from quantdesk.config import load_settings
from quantdesk.errors import QuantDeskError
from quantdesk.logs import configure_logging

__all__ = ["InvalidCliInput", "app", "cli_decimal", "cli_integer", "ingest_service", "main", "state", "user_option"]

app = typer.Typer(name="quantdesk", help="QuantDesk MIKEY: agent-first perps trading on Solana.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
app.add_typer(db_app, name="db")
app.add_typer(config_app, name="config")
app.add_typer(ingest_app, name="ingest")
app.add_typer(wallet_app, name="wallet")
app.add_typer(risk_app, name="risk")
app.add_typer(user_app, name="user")
app.add_typer(api_key_app, name="api-key")
app.add_typer(link_app, name="link")
user_app.command("voice-approval")(voice_approval_command)
app.command("run")(run_command)
app.command("faucet")(faucet_command)
app.command("positions")(positions_command)
app.command("orders")(orders_command)
app.command("keepers")(keepers_command)
app.command("alerts")(alerts_command)


def _register_plugins() -> None:
    """Commands from packages above the core (e.g. `chat` from interfaces/), via entry points."""
    for entry in entry_points(group="quantdesk.commands"):
        entry.load()(app)


_register_plugins()


@app.callback()
def _root(ctx: typer.Context, debug: bool = typer.Option(False, "--debug", help="Show tracebacks.")) -> None:
    settings = load_settings()
    configure_logging(settings)
    ctx.obj = CliState(settings=settings, debug=debug, console=Console())


def _exit_on_termination() -> None:
    """SIGTERM and SIGHUP end a command like Ctrl-C does: `with` blocks unwind, so an
    embedded PostgreSQL this process owns is stopped instead of left running.
    (Services and the supervisor install their own handlers while they run.)"""
    def handler(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) is signal.SIG_DFL:  # an ignored SIGHUP (nohup) stays ignored
            signal.signal(sig, handler)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    _exit_on_termination()
    try:
        # standalone mode: typer handles usage errors (exit 2), --help and Ctrl-C itself.
        app(args=args, prog_name="quantdesk")
    except QuantDeskError as exc:
        if debug:
            raise
        Console(stderr=True).print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(2)
