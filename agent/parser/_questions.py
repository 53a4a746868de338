"""Questions, for the offline model, once the command rules found no command.

* "why was my order rejected?", "why did my stop trigger?", "why was I liquidated?",
  "what happened to order 42?" -> ``explain_event`` (the trader's own history);
* "how is my liquidation price computed?", "what is a reduce-only order", "why can't I
  use 20x on ETH?" -> ``search_knowledge`` with the question as typed.

:func:`parse_command` never returns these (questions are not commands: the LLM
router still sends them to a configured LLM); the rules model asks here only
when the parser did not understand. Nothing here can prepare a ticket.
"""

from __future__ import annotations

import re
from typing import Final

from agent.parser._lexicon import (
    EXPLAIN_LEADS,
    EXPLAIN_LIQUIDATED,
    EXPLAIN_ORDER,
    EXPLAIN_OWN,
    EXPLAIN_PHRASES,
    EXPLAIN_REJECTED,
    EXPLAIN_TRIGGERED,
    LIQUIDATION_CONCEPTS,
    QUESTION_LEADS,
)
from agent.parser._result import ToolCalls, build, calls

__all__ = ["route_question"]

_WORDS: Final = re.compile(r"[a-z0-9#]+")
_ORDER_NUMBER: Final = re.compile(r"\border\s*(?:#|no\.?|number|id)?\s*#?(\d{1,19})\b", re.IGNORECASE)
_TICKET_HASH: Final = re.compile(r"\b([0-9a-f]{8,64})\b", re.IGNORECASE)
_MIN_WORDS: Final = 2


def route_question(text: str) -> ToolCalls | None:
    """The tool call that answers a question, or None when ``text`` is not one."""
    words = _WORDS.findall(text.lower().replace("'", "").replace("’", ""))
    if len(words) < _MIN_WORDS or not (words[0] in QUESTION_LEADS or text.rstrip().endswith("?")):
        return None
    explained = _explain(text, words)
    if explained is not None:
        return explained
    routed = calls(build("search_knowledge", "What should I look up?", query=text.strip()[:500]))
    return routed if isinstance(routed, ToolCalls) else None


def _explain(text: str, words: list[str]) -> ToolCalls | None:
    asks_why = words[0] in EXPLAIN_LEADS or any(pair in EXPLAIN_PHRASES for pair in zip(words, words[1:], strict=False))
    if not asks_why:
        return None
    vocabulary = set(words)
    number = _ORDER_NUMBER.search(text)
    ticket = _TICKET_HASH.search(text) if "ticket" in vocabulary else None
    fields: dict[str, object]
    if number is not None:
        fields = {"order_id": int(number.group(1))}
    elif ticket is not None:
        fields = {"ticket": ticket.group(1).lower()}
    elif not vocabulary & EXPLAIN_OWN:
        return None  # "why is funding paid hourly?" is about how things work
    elif vocabulary & EXPLAIN_LIQUIDATED and not vocabulary & LIQUIDATION_CONCEPTS:
        fields = {"which": "last_liquidation"}
    elif vocabulary & EXPLAIN_TRIGGERED:
        fields = {"which": "last_trigger"}
    elif vocabulary & EXPLAIN_REJECTED:
        fields = {"which": "last_rejection"}
    elif vocabulary & EXPLAIN_ORDER:
        fields = {"which": "last_order"}
    else:
        return None
    routed = calls(build("explain_event", "Which order: its number, or 'my last order'?", **fields))
    return routed if isinstance(routed, ToolCalls) else None
