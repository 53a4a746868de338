"""`quantdesk mcp [--http]`: the MCP server (entry point ``quantdesk.commands``, kept
import-light: the SDK and the agent stack load only when the command runs)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Entry point (group ``quantdesk.commands``): adds ``mcp`` to the CLI."""

    @app.command("mcp")
    def mcp(ctx: typer.Context,
            http: bool = typer.Option(False, "--http",
                                      help="Serve streamable HTTP on QUANTDESK_HOST:QUANTDESK_MCP_PORT "
                                           "(bearer API keys) instead of stdio.")) -> None:
        """MIKEY for your own agent (Claude Desktop, an IDE): read tools and ticket proposals over MCP.
        stdio acts as the user of MIKEY_MCP_API_KEY; --http takes each request's bearer key."""
        from quantdesk.cli import state

        settings = state(ctx).settings
        if http:
            serve_http(settings)
        else:
            import asyncio

            from interfaces.mcp._stdio import serve_stdio

            asyncio.run(serve_stdio(settings))


def serve_http(settings) -> None:  # type: ignore[no-untyped-def]
    import socket

    import uvicorn

    from interfaces.mcp._http import create_http_app
    from quantdesk.errors import port_error

    with socket.socket() as probe:  # a busy port is one error line before MIKEY opens, not a uvicorn traceback
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((settings.host, settings.mcp_port))
        except OSError as exc:
            raise port_error(settings.host, settings.mcp_port, "QUANTDESK_MCP_PORT", exc) from None

    uvicorn.run(create_http_app(settings), host=settings.host, port=settings.mcp_port, access_log=False,
                log_level=settings.log_level.lower(), timeout_graceful_shutdown=10)
