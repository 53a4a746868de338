"""`quantdesk api`: the chat API under uvicorn (entry point ``quantdesk.commands``,
kept import-light: FastAPI and the agent stack load only when the command runs)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Entry point (group ``quantdesk.commands``): adds ``api`` to the CLI."""

    @app.command("api")
    def api(ctx: typer.Context) -> None:
        """Serve the chat API on QUANTDESK_HOST:QUANTDESK_API_PORT (default 127.0.0.1:3002)."""
        from quantdesk.cli import state

        serve(state(ctx).settings)


def serve(settings) -> None:  # type: ignore[no-untyped-def]
    import uvicorn

    from interfaces.api import create_app

    # uvicorn's own access log is off: every request is logged once, with its request id, by the app.
    uvicorn.run(create_app(settings), host=settings.host, port=settings.api_port, access_log=False,
                log_level=settings.log_level.lower(), timeout_graceful_shutdown=10)
