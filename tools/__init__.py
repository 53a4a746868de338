"""Typed tools MIKEY may call; thin adapters over quantdesk/ (validate, call, format)."""

from tools._alerts import alert_handlers
from tools._knowledge import knowledge_handlers
from tools._labels import tool_label
from tools._registry import build_toolbox
from tools._toolbox import Handler, Toolbox, ToolContext, ToolHandler, ToolOutcome, description, handler_factories
from tools._trading import trading_handlers

__all__ = ["Handler", "ToolContext", "ToolHandler", "ToolOutcome", "Toolbox", "alert_handlers", "build_toolbox",
           "description", "handler_factories", "knowledge_handlers", "tool_label", "trading_handlers"]
