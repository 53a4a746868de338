"""The graph's state: a typed dict with reducers, as LangGraph expects.

``ticket`` is the pending ticket (its JSON: ids, parameters, simulated outcome and
the unsigned message) while the graph waits at the confirmation gate; it never
holds key material. ``decision`` is the approval the gate accepted.
"""

from __future__ import annotations

from typing import Annotated, Any, TypedDict

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages


class MikeyState(TypedDict, total=False):
    messages: Annotated[list[AnyMessage], add_messages]
    user_id: str
    thread_id: str
    ticket: dict[str, Any] | None
    decision: dict[str, Any] | None
