"""The parser's entry point: guards every message must pass, then the rules in order."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from agent.parser._alert_rules import alert_rule
from agent.parser._lexicon import APPROVAL_PHRASES, APPROVAL_STEMS, APPROVAL_WORDS, MARKET_TICKERS
from agent.parser._manage_rules import cancel_rule, close_rule, withdraw_rule
from agent.parser._normalize import normalize
from agent.parser._order_rules import order_rule, stop_rule
from agent.parser._read_rules import read_rule, search_rule
from agent.parser._result import Ambiguous, NotUnderstood, Parsed, ToolCalls, not_understood
from agent.parser._structured import structured_order
from agent.parser._tokens import Utterance, tokenize

__all__ = ["APPROVAL_REASON", "MAX_COMMAND_CHARS", "is_unambiguous_command", "parse_command"]

# Commands are one line. Anything longer is prose for the LLM, and refusing it
# up front keeps the parser's cost bounded whatever it is sent.
MAX_COMMAND_CHARS: Final = 1000

# First claim wins. Search comes first because its query may contain any words;
# verb-led commands (alert, cancel, close, stop, withdraw) come before bare
# orders and reads, so "cancel my sol orders" is never read as "show my orders".
_RULES: Final[tuple[Callable[[Utterance], Parsed | None], ...]] = (
    search_rule, alert_rule, cancel_rule, close_rule, stop_rule, withdraw_rule, order_rule, read_rule,
)


def parse_command(text: object) -> Parsed:  # any value: callers may pass what a user sent
    """Turn one chat message into tool calls, a question back, or "not understood".

    The text as typed first; if that is not understood, the same text in the grammar's
    words (:func:`normalize`: slang, typos, other languages, number words), then the one
    clause of a longer sentence that is a command ("honestly btc looks toppy, short 0.04
    btc 4x"). Deterministic and offline; never raises, whatever the text.
    """
    if not isinstance(text, str):
        return not_understood("not text")
    if len(text) > MAX_COMMAND_CHARS:
        return not_understood(f"longer than {MAX_COMMAND_CHARS} characters, so not a command")
    if not text.strip():
        return not_understood("empty message")
    first = _parse_text(text)
    if isinstance(first, ToolCalls) or (isinstance(first, NotUnderstood) and first.reason.startswith(APPROVAL_REASON)):
        return first
    structured = structured_order(text)
    if structured is not None:
        return _parse_text(structured)
    normal = normalize(text)
    # Emoji alone ("🚀", "👍") are no order: a second reading needs something typed in letters or digits.
    if normal and normal != " ".join(text.lower().split()) and any(c.isalnum() for c in text):
        second = _parse_text(normal)
        # A question asked of the text as typed stands unless the second reading is a command.
        if isinstance(second, ToolCalls) or (isinstance(first, NotUnderstood) and isinstance(second, Ambiguous)):
            return second
    if isinstance(first, Ambiguous):
        return first  # the question about the text as typed ("long 5.. sol": which number?) stands
    return _one_clause(normal) or first


def _one_clause(text: str) -> Parsed | None:
    """The command in one clause of a sentence, when exactly one clause is one.

    A clause asked as a question ("long 2 sol? ...") is not a command, and a sentence
    with a bare or order-ish negation ("..., no, don't", "don't buy sol, ...") gives none.
    """
    clauses = [(c.strip(), mark) for c, mark in _CLAUSE.findall(text) if c.strip()]
    if len(clauses) < 2:
        return None
    found: list[Parsed] = []
    junk = False
    for clause, mark in clauses:
        words = clause.split()
        if words[0] in _NEGATIONS and (len(words) <= 2 or set(words) & _ORDERISH):
            return None
        parsed = None if mark == "?" else _parse_text(clause)
        if isinstance(parsed, ToolCalls) and all(c.name in _ORDER_TOOLS for c in parsed.calls) or (
                isinstance(parsed, Ambiguous) and set(words) & _ORDERISH):
            found.append(parsed)
        elif any(t.kind in ("other", "address", "badnumber") for t in tokenize(clause).tokens):
            junk = True  # symbols, an address or an unreadable number beside the command: not read around
    if junk:
        return None
    commands = [p for p in found if isinstance(p, ToolCalls)]
    if len(commands) == 1:
        return commands[0]
    return found[0] if len(found) == 1 else None


def _parse_text(text: str) -> Parsed:
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


APPROVAL_REASON: Final = "approval and confirmation never come from chat text"
# Clause ends: ; ! ? and new lines anywhere, "," ":" "." only before a space or the end ("0.5", "1,250" stay whole).
_CLAUSE: Final = re.compile(r"((?:[^,;:.!?\n]|[,:.](?=\S))+)([;!?\n]|[,:.](?=\s|$)|$)")
_NEGATIONS: Final = frozenset({"no", "not", "dont", "don't", "never", "nope", "nah", "nvm", "stop", "wait", "cancel"})
# What a clause of a longer sentence may be: an order or a question about one (reads need the whole text).
_ORDER_TOOLS: Final = frozenset({"prepare_order", "prepare_close", "prepare_cancel", "prepare_withdraw", "get_quote",
                                 "risk_check"})
_ORDERISH: Final = frozenset({"buy", "sell", "long", "short", "order", "trade", "it", "that", "this",
                              "position"}) | MARKET_TICKERS


def _approval_refused() -> NotUnderstood:
    return not_understood(f"{APPROVAL_REASON}: use the Approve button on the ticket")
