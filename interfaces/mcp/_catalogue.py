"""The tools the MCP server offers: MIKEY's read-only tools under their own names
and argument schemas (tools/schemas.py, the one contract), marked read-only, and
three ``propose_*`` tools over MIKEY's ticket makers. There is deliberately no
approve, execute, withdraw or alert tool: a program may read and ask, the trader
decides. Descriptions are files (MIKEY's own for the read tools, this package's
``descriptions/`` for the proposals)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from mcp import types

from interfaces.mcp._wrap import OUTPUT_SCHEMA
from tools import description
from tools.schemas import TOOL_ARGS

_HERE = Path(__file__).resolve().parent

# What an MCP client may read, as MIKEY reads it (each a tool in tools/).
READ_ONLY: tuple[str, ...] = ("get_price", "get_quote", "get_positions", "get_account", "get_orders", "get_funding",
                              "get_candles", "get_history", "search_knowledge")
# propose_* -> the MIKEY tool that prepares its ticket.
PROPOSALS: dict[str, str] = {"propose_order": "prepare_order", "propose_close": "prepare_close",
                             "propose_cancel": "prepare_cancel"}

_TITLES = {"get_price": "Price (with quality)", "get_quote": "Quote an order", "get_positions": "Positions",
           "get_account": "Account", "get_orders": "Open orders", "get_funding": "Funding", "get_candles": "Candles",
           "get_history": "History", "search_knowledge": "Search QuantDesk docs",
           "propose_order": "Propose an order ticket", "propose_close": "Propose a close ticket",
           "propose_cancel": "Propose a cancel ticket"}


@cache
def instructions() -> str:
    return (_HERE / "instructions.md").read_text(encoding="utf-8").strip()


@cache
def _proposal_description(name: str) -> str:
    return (_HERE / "descriptions" / f"{name}.md").read_text(encoding="utf-8").strip()


def _tool(name: str, mikey_tool: str, text: str, annotations: types.ToolAnnotations) -> types.Tool:
    return types.Tool(name=name, title=_TITLES[name], description=text,
                      inputSchema=TOOL_ARGS[mikey_tool].model_json_schema(), outputSchema=OUTPUT_SCHEMA,
                      annotations=annotations)


@cache
def catalogue() -> tuple[types.Tool, ...]:
    """Every tool with its annotations: reads are read-only and closed-world; a proposal writes
    only a pending ticket (not destructive: nothing happens to the account until approval)."""
    reads = [_tool(name, name, description(name),
                   types.ToolAnnotations(title=_TITLES[name], readOnlyHint=True, openWorldHint=False))
             for name in READ_ONLY]
    proposals = [_tool(name, mikey_tool, _proposal_description(name),
                       types.ToolAnnotations(title=_TITLES[name], readOnlyHint=False, destructiveHint=False,
                                             idempotentHint=False, openWorldHint=False))
                 for name, mikey_tool in PROPOSALS.items()]
    return (*reads, *proposals)
