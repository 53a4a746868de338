"""Typed tools MIKEY may call; thin adapters over quantdesk/ (validate, call, format)."""

from tools._knowledge import knowledge_handlers
from tools._labels import tool_label
from tools._registry import build_toolbox
from tools._toolbox import Handler, Toolbox, ToolContext, ToolOutcome, description

__all__ = ["Handler", "ToolContext", "ToolOutcome", "Toolbox", "build_toolbox", "description",
           "knowledge_handlers", "tool_label"]
