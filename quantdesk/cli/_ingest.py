"""`quantdesk ingest run|status`, and the ServiceSpec `quantdesk run` uses."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

import httpx
import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from quantdesk.cli._state import state
from quantdesk.compose import build_ingest
from quantdesk.config import Settings
from quantdesk.db import migrate, open_database
from quantdesk.ingest import IngestService, IngestStatus, read_status
from quantdesk.supervisor import ServiceSpec

ingest_app = typer.Typer(help="The market-data ingest service.", no_args_is_help=True)

_QUALITY_STYLE = {"ok": "green", "stale": "yellow", "wide": "yellow", "halted": "red"}
_BREAKER_STYLE = {"closed": "green", "half_open": "yellow", "open": "red"}


def ingest_service(settings: Settings) -> ServiceSpec:
    """The ingest service as a supervised process (`quantdesk ingest run`)."""
    return ServiceSpec(name="ingest", argv=[sys.executable, "-m", "quantdesk", "ingest", "run"])


async def _serve(settings: Settings, conninfo: str) -> IngestService:
    service = build_ingest(settings, conninfo)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, service.request_stop)
    await service.run()
    return service


@ingest_app.command("run")
def ingest_run(ctx: typer.Context) -> None:
    """Run the ingest service until SIGTERM/Ctrl-C (then flush and exit)."""
    st = state(ctx)
    settings = st.settings
    with open_database(settings) as db:
        migrate(db)
        st.console.print(f"[bold]ingest[/]: source {settings.pyth_source}, database {db.kind}; "
                         f"status on http://{settings.host}:{settings.ingest_port}/status")
        service = asyncio.run(_serve(settings, db.url))
    s = service.status()
    st.console.print(f"stopped: {s.ticks_received} ticks received, {s.ticks_written} written, "
                     f"{s.duplicates} duplicates")


def _from_http(settings: Settings) -> IngestStatus | None:
    try:
        response = httpx.get(f"http://{settings.host}:{settings.ingest_port}/status", timeout=2.0)
        response.raise_for_status()
        return IngestStatus.model_validate_json(response.text)
    except (httpx.HTTPError, ValidationError):
        return None


@ingest_app.command("status")
def ingest_status(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print the status as JSON."),
) -> None:
    """The ingest service's state: source, breaker, ticks/s, lag, last error, prices."""
    st = state(ctx)
    settings = st.settings
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its per-request INFO line is noise here
    status = _from_http(settings)
    origin = f"live from http://{settings.host}:{settings.ingest_port}"
    if status is None:
        with open_database(settings) as db:
            status = read_status(db)
        origin = "from Postgres (the service's port did not answer)"
    if status is None:
        if as_json:
            print("null")
        else:
            st.console.print("the ingest service has never run against this database (start it: quantdesk ingest run)")
        raise typer.Exit(1)
    if as_json:
        print(status.model_dump_json(indent=2))
        return
    _print_status(st.console, status, origin)


def _print_status(console: Console, s: IngestStatus, origin: str) -> None:
    summary = Table(title=f"ingest status ({origin}, as of {s.updated_at.isoformat(timespec='seconds')})",
                    show_header=False)
    summary.add_column("field")
    summary.add_column("value")
    breaker = f"[{_BREAKER_STYLE[s.breaker.state]}]{s.breaker.state}[/]"
    if s.breaker.state != "closed" and s.breaker.retry_at:
        breaker += f" (retry at {s.breaker.retry_at.isoformat(timespec='seconds')})"
    rows = [
        ("instance", f"{s.instance} ({s.role})"),
        ("source", f"{s.source}: {s.source_description}"),
        ("breaker", f"{breaker}; {s.breaker.total_failures} failures, opened {s.breaker.opens}x"),
        ("ticks/s", f"{s.ticks_per_s:g}"),
        ("lag", "—" if s.lag_s is None else f"{s.lag_s:.3f} s"),
        ("ticks", f"{s.ticks_received} received, {s.ticks_written} written, {s.duplicates} duplicates, "
                  f"{s.pending} pending"),
        ("last write", "—" if s.last_write_ms is None else f"{s.last_write_ms:.1f} ms"),
        ("last error", s.last_error or "—"),
    ]
    for field, value in rows:
        summary.add_row(field, value)
    console.print(summary)
    prices = Table(title="prices")
    for col in ("symbol", "price", "± conf", "age", "quality", "why"):
        prices.add_column(col)
    for f in s.feeds:
        prices.add_row(f.symbol, f.price, f.conf, f"{f.age_s}s", f"[{_QUALITY_STYLE[f.quality]}]{f.quality}[/]",
                       f.reason)
    console.print(prices)
