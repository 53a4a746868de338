"""The LangGraph MIKEY graph: state, nodes, confirmation gate, model routing,
the offline command parser and prompts; exposed to interfaces as ChatSession."""

from agent._nodes import GraphDeps
from agent.graph import build_graph
from agent.session import ChatEvent, ChatSession
from agent._checkpoint import open_checkpointer

__all__ = ["ChatEvent", "ChatSession", "GraphDeps", "build_graph", "open_checkpointer"]
