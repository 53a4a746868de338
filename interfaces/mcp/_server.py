"""The MCP server (the SDK's low-level ``Server``): lists the catalogue and answers
each call as the caller's user, through MIKEY's own toolbox and ChatSession.

The low-level server rather than FastMCP: FastMCP derives a tool's schema from a
Python signature, while these tools already have theirs (tools/schemas.py, shared
with MIKEY and validated by the toolbox), so they are served as they are, and a
tool call reaches the toolbox's pydantic validation (clear messages) rather than a
second, differently worded JSON-schema check.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from mcp import types
from mcp.server.lowlevel import Server

from interfaces._assembly import Mikey
from interfaces.mcp._catalogue import PROPOSALS, READ_ONLY, catalogue, instructions
from interfaces.mcp._wrap import untrusted_result
from quantdesk.errors import QuantDeskError
from quantdesk.logs import get_logger
from tools import ToolContext

log = get_logger(__name__)

# Who is calling, from the transport's request (None over stdio or in memory): a user id, or
# NotAuthorized. Over HTTP it is the request's bearer key; over stdio the configured key.
Identity = Callable[[Any], Awaitable[str]]


class NotAuthorized(QuantDeskError):
    """The caller's API key is missing, not valid, revoked or out of requests."""


def _json_safe(data: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(data, default=str))  # type: ignore[no-any-return]


def _where_to_approve(mikey: Mikey, user_id: str, thread_id: str, ticket_hash: str) -> dict[str, str]:
    api = f"http://{mikey.settings.host}:{mikey.settings.api_port}/v1/tickets/{ticket_hash}"
    return {"api": f"POST {api}/approve (Authorization: Bearer <the trader's API key>)", "ticket_url": api,
            "terminal": f"quantdesk chat --user {user_id} --thread {thread_id}", "command": f"/approve {ticket_hash}"}


async def _read(mikey: Mikey, user_id: str, name: str, arguments: dict[str, Any]) -> types.CallToolResult:
    ctx = ToolContext(user_id=user_id, thread_id=f"mcp:{user_id}:reads", now=mikey.clock())
    outcome = await mikey.toolbox.call(name, arguments, ctx)
    return untrusted_result(name, outcome.text, _json_safe(outcome.data), error=outcome.error)


async def _propose(mikey: Mikey, user_id: str, name: str, arguments: dict[str, Any]) -> types.CallToolResult:
    """A ticket through MIKEY's ticket maker, waiting at the confirmation gate of a thread of its
    own (``mcp:<user>:<id>``) until the trader decides it on a human surface."""
    tool, thread_id = PROPOSALS[name], f"mcp:{user_id}:{uuid.uuid4().hex[:12]}"
    ctx = ToolContext(user_id=user_id, thread_id=thread_id, now=mikey.clock())
    events = [event async for event in mikey.session.propose(thread_id, user_id, tool, arguments,
                                                              lambda: mikey.toolbox.call(tool, arguments, ctx))]
    result = next((e.data for e in events if e.type == "tool_result"), None)
    ticket = next((e.data["ticket"] for e in events if e.type == "ticket"), None)
    if ticket is None:
        said = result or next((e.data for e in events if e.type == "error"), {"message": "no ticket was made"})
        return untrusted_result(name, str(said.get("text", said.get("message", ""))), said.get("data", {}),
                                error=True)
    where = _where_to_approve(mikey, user_id, thread_id, ticket["ticket_hash"])
    log.info("mcp.proposal", user_id=user_id, thread_id=thread_id, ticket=ticket["ticket_hash"][:12])
    text = (f"{result['text'] if result else ticket['summary']}\nStatus: pending, waiting for the trader's own "
            f"approval until {ticket['expires_at']}. Hash: {ticket['ticket_hash']}. The trader approves it on a "
            f"human surface: {where['api']}, or `{where['command']}` in `{where['terminal']}`. No MCP tool can approve "
            "or execute it.")
    proposal = {"status": "pending", "ticket_hash": ticket["ticket_hash"], "summary": ticket["summary"],
                "expires_at": ticket["expires_at"], "thread_id": thread_id, "approve": where}
    return untrusted_result(name, text, proposal, extra={"ticket": ticket})


def build_server(mikey: Mikey, identity: Identity) -> Server[Any, Any]:
    """The MCP server over one MIKEY; ``identity`` names the user of each call."""
    server: Server[Any, Any] = Server("quantdesk-mikey", instructions=instructions())
    tools = catalogue()

    @server.list_tools()
    async def list_tools() -> list[types.Tool]:
        return list(tools)

    @server.call_tool(validate_input=False)  # the toolbox validates, with the same messages as in the chat
    async def call_tool(name: str, arguments: dict[str, Any]) -> types.CallToolResult:
        try:
            user_id = await identity(server.request_context.request)
        except QuantDeskError as exc:  # not authorized, or the database is away: nothing was done
            return untrusted_result(name, f"error: {exc}", {"error": type(exc).__name__}, error=True)
        try:
            if name in READ_ONLY:
                result = await _read(mikey, user_id, name, dict(arguments))
            elif name in PROPOSALS:
                result = await _propose(mikey, user_id, name, dict(arguments))
            else:
                return _unknown(name, tools)
        except Exception as exc:  # the call's boundary: a bug ends this call, not the server, and shows no internals
            log.exception("mcp.tool_failed", tool=name, user_id=user_id, error=type(exc).__name__)
            return untrusted_result(name, f"error: {name} failed unexpectedly ({type(exc).__name__}); nothing was "
                                          "sent. It is logged; try again.", {"error": "internal_error"},
                                    error=True)
        log.info("mcp.tool", tool=name, user_id=user_id, error=bool(result.isError))
        return result

    return server


def _unknown(name: str, tools: tuple[types.Tool, ...]) -> types.CallToolResult:
    known = ", ".join(t.name for t in tools)
    return untrusted_result(name, f"error: there is no tool {name[:64]!r} here (tools: {known}); tickets are "
                                  "approved by the trader on a human surface, never by a tool",
                            {"error": "unknown_tool"}, error=True)
