"""The parser's entry point: guards every message must pass, then the rules in order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from agent.parser._alert_rules import alert_rule
from agent.parser._lexicon import APPROVAL_PHRASES, APPROVAL_STEMS, APPROVAL_WORDS
from agent.parser._manage_rules import cancel_rule, close_rule, withdraw_rule
from agent.parser._order_rules import order_rule, stop_rule
from agent.parser._read_rules import read_rule, search_rule
from agent.parser._result import NotUnderstood, Parsed, ToolCalls, not_understood
from agent.parser._tokens import Utterance, tokenize

__all__ = ["MAX_COMMAND_CHARS", "is_unambiguous_command", "parse_command"]

# Commands are one line. Anything longer is prose for the LLM, and refusing it
# up front keeps the parser's cost bounded whatever it is sent.
MAX_COMMAND_CHARS: Final = 1000

# First claim wins. Search comes first because its query may contain any words;
# verb-led commands (alert, cancel, close, stop, withdraw) come before bare
# orders and reads, so "cancel my sol orders" is never read as "show my orders".
_RULES: Final[tuple[Callable[[Utterance], Parsed | None], ...]] = (
    search_rule, alert_rule, cancel_rule, close_rule, stop_rule, withdraw_rule, order_rule, read_rule,
)


def parse_command(text: str) -> Parsed:
    """Turn one chat message into tool calls, a question back, or "not understood".

    Deterministic and offline; never raises, whatever the text.
    """
    if not isinstance(text, str):
        return not_understood("not text")
    if len(text) > MAX_COMMAND_CHARS:
        return not_understood(f"longer than {MAX_COMMAND_CHARS} characters, so not a command")
    if not text.strip():
        return not_understood("empty message")
    lowered = text.lower()
    if any(stem in lowered for stem in APPROVAL_STEMS):
        return _approval_refused()
    utterance = tokenize(text)
    words = utterance.words
    if set(words) & APPROVAL_WORDS or set(zip(words, words[1:], strict=False)) & set(APPROVAL_PHRASES):
        return _approval_refused()
    if not utterance.tokens:
        return not_understood("nothing to act on")
    for rule in _RULES:
        result = rule(utterance)
        if result is not None:
            return result
    return not_understood("not a command I know")


def is_unambiguous_command(text: str) -> bool:
    """True iff ``parse_command(text)`` returns tool calls (the router's test)."""
    return isinstance(parse_command(text), ToolCalls)


def _approval_refused() -> NotUnderstood:
    return not_understood("approval and confirmation never come from chat text: "
                          "use the Approve button on the ticket")
