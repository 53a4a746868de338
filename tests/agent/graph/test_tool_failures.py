"""A tool that raises something we did not plan for ends that call with an error
result, logged with its traceback; the conversation goes on."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

import structlog

from agent import ChatSession, GraphDeps, build_graph, open_checkpointer
from quantdesk.audit import AuditLog
from quantdesk.db import Database
from quantdesk.market import PriceBook
from quantdesk.tickets import TicketStore
from tests.agent.graph.conftest import collect
from tools import Toolbox, ToolContext, ToolOutcome, get_price
from tools.schemas import MarketArgs


def _broken_for_sol(book: PriceBook) -> Callable[[MarketArgs, ToolContext], ToolOutcome]:
    """A real get_price handler with a bug on one market."""
    working = get_price(book)

    def handle(args: MarketArgs, ctx: ToolContext) -> ToolOutcome:
        if args.market == "SOL-PERP":
            raise RuntimeError("bug in the price handler")
        result = working(args, ctx)
        assert isinstance(result, ToolOutcome)
        return result

    return handle


async def test_an_unexpected_tool_exception_is_an_error_result_and_the_next_message_is_answered(
        database: Database, book: PriceBook, clock: Callable[[], datetime]) -> None:
    audit = AuditLog(database.pool)
    deps = GraphDeps(toolbox=Toolbox({"get_price": _broken_for_sol(book)}), tickets=TicketStore(database.pool),
                     audit=audit, clock=clock)
    thread = f"t-{uuid.uuid4().hex[:8]}"
    async with open_checkpointer(database) as saver:
        session = ChatSession(build_graph(deps, saver), audit, clock)
        with structlog.testing.capture_logs() as logs:
            failed = await collect(session.send(thread, "alice", "sol price"))
        result = next(e for e in failed if e.type == "tool_result")
        assert result.data["status"] == "error"
        assert "the price request failed unexpectedly (RuntimeError); nothing was prepared or sent" \
            in result.data["text"]
        assert "get_price" not in result.data["text"]  # internal tool names never reach the trader's text
        assert "bug in the price handler" not in result.data["text"]  # internals stay in the log
        logged = next(entry for entry in logs if entry["event"] == "tool_failed")
        assert logged["tool"] == "get_price" and logged["thread_id"] == thread and logged["exc_info"] is True
        answered = await collect(session.send(thread, "alice", "btc price"))
    assert "BTC-PERP: $95,000.00" in answered[-1].data["text"]
