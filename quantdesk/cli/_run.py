"""`quantdesk run`: the main job. Brings the database up and migrated, then
starts the services under one supervisor until Ctrl-C."""

from __future__ import annotations

import importlib.util
import sys
from importlib.metadata import entry_points
from pathlib import Path

import typer

from quantdesk.cli._alerts import alerts_service
from quantdesk.cli._ingest import ingest_service
from quantdesk.cli._paper import keepers_service
from quantdesk.cli._run_guard import as_clients_of, claim_run, keep_embedded_up
from quantdesk.cli._state import state
from quantdesk.cli._user import first_run_sign_in
from quantdesk.config import Settings
from quantdesk.db import migrate, migration_status, open_database
from quantdesk.exchange import venue_kind
from quantdesk.supervisor import ServiceSpec, Supervisor

APP_FILE = Path(__file__).resolve().parents[2] / "app.py"


def web_service(settings: Settings) -> ServiceSpec:
    """The Chainlit web chat on the web port."""
    argv = [sys.executable, "-m", "chainlit", "run", str(APP_FILE), "--headless",
            "--host", settings.host, "--port", str(settings.web_port)]
    # Run from the repository root so Chainlit uses the committed .chainlit/config.toml.
    return ServiceSpec(name="web", argv=argv, cwd=str(APP_FILE.parent))


def startup_tasks(settings: Settings, db: object, console: object) -> None:
    """Tasks of packages above the core that must finish before the services start (e.g. indexing
    the knowledge base when its files changed), via the ``quantdesk.startup`` entry point group."""
    for entry in entry_points(group="quantdesk.startup"):
        entry.load()(settings, db, console)


def api_service(_settings: Settings) -> ServiceSpec:
    """The chat API (`quantdesk api`, a command the interfaces package adds through the
    ``quantdesk.commands`` entry points: started by its command line, not imported)."""
    return ServiceSpec(name="api", argv=[sys.executable, "-m", "quantdesk", "api"])


def _has_command(name: str) -> bool:
    return any(entry.name == name for entry in entry_points(group="quantdesk.commands"))


def run_command(
    ctx: typer.Context,
    web: bool = typer.Option(True, "--web/--no-web", help="Start the Chainlit web chat."),
    ingest: bool = typer.Option(True, "--ingest/--no-ingest", help="Start the market-data ingest service."),
    api: bool = typer.Option(True, "--api/--no-api", help="Start the chat API."),
) -> None:
    """Start MIKEY: database up and migrated, then the services, until Ctrl-C."""
    st = state(ctx)
    settings = st.settings
    ports = {"QUANTDESK_INGEST_PORT": settings.ingest_port} if ingest else {}
    if web and importlib.util.find_spec("chainlit") is not None:
        ports["QUANTDESK_WEB_PORT"] = settings.web_port
    api = api and _has_command("api")
    if api:
        ports["QUANTDESK_API_PORT"] = settings.api_port
    # The only run on this data dir, its ports free; then this process owns the embedded
    # database: its services connect to it by URL, it restarts it, it stops it on the way out.
    with claim_run(settings, ports), open_database(settings) as db:
        applied = migrate(db)
        status = migration_status(db)
        st.console.print(f"[bold]database[/]: {db.kind} ({db.display_url}); "
                         f"{len(status.applied)} migrations applied, {len(applied)} just now")
        startup_tasks(settings, db, st.console)
        specs: list[ServiceSpec] = []
        if ingest:
            specs.append(ingest_service(settings))
            st.console.print(f"[bold]ingest[/]: {settings.pyth_source} prices; status on "
                             f"http://{settings.host}:{settings.ingest_port}/status")
        specs.append(alerts_service(settings))
        open_local = venue_kind(settings.venue).open_local
        if open_local is not None:  # an in-process venue (paper): it has keepers
            open_local(settings, db)  # bootstrap once here, before the services that use it start
            specs.append(keepers_service(settings))
            st.console.print("[bold]paper venue[/]: keepers settle funding, trigger orders and liquidate")
        if web:
            if importlib.util.find_spec("chainlit") is None:
                st.console.print("[yellow]chainlit is not installed; install the 'web' extra (make run does)[/]")
            else:
                first_run_sign_in(settings, db, st.console)
                specs.append(web_service(settings))
                st.console.print(f"[bold]web chat[/]: http://{settings.host}:{settings.web_port}")
        if api:
            specs.append(api_service(settings))
            st.console.print(f"[bold]chat API[/]: http://{settings.host}:{settings.api_port} (docs on /docs; "
                             "keys from `quantdesk api-key create`)")
        st.console.print("MIKEY is up. Press Ctrl-C to stop.")
        code = Supervisor(as_clients_of(db, specs), on_event=st.console.print,
                          on_tick=keep_embedded_up(db, st.console.print)).run()
    st.console.print("stopped")
    raise typer.Exit(code)
