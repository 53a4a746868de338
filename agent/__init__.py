"""The LangGraph MIKEY graph: state, nodes, confirmation gate, model routing,
the offline command parser and prompts; exposed to interfaces as ChatSession."""

from agent._checkpoint import open_checkpointer
from agent._dialogue import carrier, fold
from agent._nodes import GraphDeps
from agent._window import RULES_WINDOW_TURNS, turns_of, window
from agent.graph import build_graph
from agent.session import ChatEvent, ChatSession, HistoryPage

__all__ = [
    "RULES_WINDOW_TURNS", "ChatEvent", "ChatSession", "HistoryPage", "GraphDeps", "build_graph", "carrier", "fold",
    "open_checkpointer", "turns_of", "window",
]
