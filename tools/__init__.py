"""Typed tools MIKEY may call; thin adapters over quantdesk/ (validate, call, format)."""

from tools._alerts import alert_handlers
from tools._knowledge import knowledge_handlers, search_knowledge
from tools._labels import tool_label
from tools._market import REPLAY_NOTE, feed_symbol, get_candles, get_price, ingest_status
from tools._registry import build_toolbox
from tools._toolbox import (
    DESCRIPTIONS,
    Handler,
    Toolbox,
    ToolContext,
    ToolHandler,
    ToolOutcome,
    description,
    handler_factories,
)
from tools._trading import trading_handlers

__all__ = [
    "DESCRIPTIONS",
    "REPLAY_NOTE",
    "Handler",
    "ToolContext",
    "ToolHandler",
    "ToolOutcome",
    "Toolbox",
    "alert_handlers",
    "build_toolbox",
    "description",
    "feed_symbol",
    "get_candles",
    "get_price",
    "handler_factories",
    "ingest_status",
    "knowledge_handlers",
    "search_knowledge",
    "tool_label",
    "trading_handlers",
]
