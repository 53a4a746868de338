"""The graph's working context: the recent turns of a thread, never the whole of it.

A turn is a trader's message and everything that answered it (tool calls, their
results, tickets, executions); a thread started by a program (a proposal) begins
with a turn that has no trader's message. The window is made of whole turns, newest
first, so a tool call is never separated from its result. The offline model keeps
a few turns (it needs only the newest, its follow-ups read the dialogue memory);
an LLM keeps as many as fit a token budget, and always the newest turn.

What leaves the window leaves the graph's state (LangGraph's ``RemoveMessage``),
never the trader's history: the transcript has every message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from langchain_core.messages import BaseMessage, HumanMessage
from langchain_core.messages.utils import count_tokens_approximately

__all__ = ["LLM_WINDOW_TOKENS", "RULES_WINDOW_TURNS", "Window", "turns_of", "window"]

RULES_WINDOW_TURNS: Final = 3
LLM_WINDOW_TOKENS: Final = 4000


@dataclass(frozen=True)
class Window:
    dropped: Sequence[BaseMessage]  # oldest first: what leaves the state now
    kept: Sequence[BaseMessage]


def turns_of(messages: Sequence[BaseMessage]) -> list[list[BaseMessage]]:
    """``messages`` cut into turns, each starting at a trader's message (the first may not)."""
    turns: list[list[BaseMessage]] = []
    for message in messages:
        if isinstance(message, HumanMessage) or not turns:
            turns.append([])
        turns[-1].append(message)
    return turns


def window(messages: Sequence[BaseMessage], *, max_turns: int | None = None,
           max_tokens: int | None = None) -> Window:
    """The newest whole turns within ``max_turns`` and ``max_tokens`` (the newest turn always)."""
    turns = turns_of(messages)
    kept_turns = 0
    tokens = 0
    for turn in reversed(turns):
        if max_turns is not None and kept_turns >= max_turns:
            break
        if max_tokens is not None:
            tokens += count_tokens_approximately(turn)
            if kept_turns and tokens > max_tokens:
                break
        kept_turns += 1
    cut = sum(len(t) for t in turns[:len(turns) - kept_turns])
    return Window(dropped=messages[:cut], kept=messages[cut:])
