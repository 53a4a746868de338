"""``quantdesk mcp``: the MCP server over stdio (what Claude Desktop and IDEs start as a
subprocess), acting as the user of the configured API key (``MIKEY_MCP_API_KEY``).

stdout carries the protocol and nothing else: logs go to stderr (``quantdesk.logs``),
and a missing or refused key is one ``error:`` line on stderr before anything starts.
"""

from __future__ import annotations

from mcp.server.stdio import stdio_server

from interfaces._assembly import open_mikey
from interfaces.mcp._auth import configured_key_identity, key_gate
from interfaces.mcp._server import NotAuthorized, build_server
from quantdesk.config import Settings
from quantdesk.logs import get_logger

log = get_logger(__name__)

MISSING_KEY = ("no API key for the MCP server: set MIKEY_MCP_API_KEY to a key of the user it acts as "
               "(`quantdesk api-key create --user NAME` prints one); over HTTP (`quantdesk mcp --http`) each "
               "request brings its own")


async def serve_stdio(settings: Settings) -> None:
    if settings.mcp_api_key is None or not settings.mcp_api_key.get_secret_value().strip():
        raise NotAuthorized(MISSING_KEY)
    key = settings.mcp_api_key.get_secret_value().strip()
    async with open_mikey(settings) as mikey, key_gate(mikey.db, settings) as gate:
        identity = configured_key_identity(gate, key)
        user_id = await identity(None)  # refused here, before the client is answered: one error line
        server = build_server(mikey, identity)
        log.info("mcp.ready", transport="stdio", user_id=user_id)
        async with stdio_server() as (read, write):
            await server.run(read, write, server.create_initialization_options())
