"""Building the MIKEY graph. The checkpointer is given here, at compile time,
never created inside a node (so any worker sharing the database can resume any
thread, including one paused at the confirmation gate)."""

from __future__ import annotations

from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import START, StateGraph

from agent._nodes import (
    GraphDeps,
    make_agent_node,
    make_confirm_node,
    make_execute_node,
    make_requote_node,
    make_tools_node,
    route_after_agent,
    route_after_tools,
)
from agent.state import MikeyState


def build_graph(deps: GraphDeps, checkpointer: BaseCheckpointSaver[Any]) -> Any:
    graph = StateGraph(MikeyState)
    graph.add_node("agent", make_agent_node(deps))
    graph.add_node("tools", make_tools_node(deps))
    graph.add_node("confirm", make_confirm_node(deps),
                   destinations=("execute", "requote", "confirm", "agent", "__end__"))
    graph.add_node("requote", make_requote_node(deps),
                   destinations=("confirm", "__end__"))
    graph.add_node("execute", make_execute_node(deps),
                   destinations=("confirm", "__end__"))
    graph.add_edge(START, "agent")
    graph.add_conditional_edges("agent", route_after_agent)
    graph.add_conditional_edges("tools", route_after_tools)
    return graph.compile(checkpointer=checkpointer)
