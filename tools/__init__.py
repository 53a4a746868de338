"""Typed tools MIKEY may call; thin adapters over quantdesk/ (validate, call, format)."""

from tools._knowledge import knowledge_handlers, search_knowledge
from tools._labels import tool_label
from tools._registry import build_toolbox
from tools._toolbox import Handler, Toolbox, ToolContext, ToolOutcome, description
from tools._trading import trading_handlers
from tools._alerts import alert_handlers
from tools._market import REPLAY_NOTE, get_candles, get_price, ingest_status

__all__ = [
    "REPLAY_NOTE", "Handler", "ToolContext", "ToolOutcome", "Toolbox", "alert_handlers", "build_toolbox", "description",
    "get_candles", "get_price", "ingest_status", "knowledge_handlers", "search_knowledge", "tool_label",
    "trading_handlers",
]
