"""The MCP server (``quantdesk mcp``): MIKEY for a trader's own agent (Claude Desktop,
an IDE, a LangGraph app), over stdio or streamable HTTP, with the official ``mcp``
SDK. An adapter like the terminal, the web page and the chat API (adapters live in
interfaces/): MIKEY's read-only tools, and ``propose_*`` tools whose tickets wait at
MIKEY's confirmation gate for the trader's own approval on a human surface. No
trading logic here, and no tool approves or executes anything.

Identity: a chat API key (``quantdesk api-key``): each HTTP request's bearer key, or
``MIKEY_MCP_API_KEY`` over stdio. Every result is wrapped as untrusted data.
"""

from interfaces.mcp._auth import configured_key_identity, key_gate
from interfaces.mcp._catalogue import PROPOSALS, READ_ONLY, catalogue
from interfaces.mcp._http import PATH, create_http_app
from interfaces.mcp._server import Identity, NotAuthorized, build_server
from interfaces.mcp._stdio import MISSING_KEY, serve_stdio
from interfaces.mcp._wrap import NOTE, OUTPUT_SCHEMA, untrusted_result

__all__ = [
    "MISSING_KEY", "NOTE", "OUTPUT_SCHEMA", "PATH", "PROPOSALS", "READ_ONLY", "Identity", "NotAuthorized",
    "build_server", "catalogue", "configured_key_identity", "create_http_app", "key_gate", "serve_stdio",
    "untrusted_result",
]
