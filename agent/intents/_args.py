"""The arguments of a classified read: taken from the trader's words, never guessed."""

from __future__ import annotations

import re
from typing import Any

from agent.parser import (
    MARKET_ALIASES,
    ORDER_FILLERS,
    ORDER_STATUS_WORDS,
    PERIOD_WORDS,
    Ambiguous,
    Parsed,
    build,
    calls,
    distinct,
    normalize,
    read_order_phrase,
    tokenize,
)

__all__ = ["arguments_for"]

_NEEDS_MARKET = frozenset({"get_price", "get_funding", "get_candles"})
_NO_ARGS = frozenset({"get_account", "ingest_status", "list_alerts"})
_EVERY_ORDER = frozenset({"ever", "history", "every", "lifetime", "alltime", "past", "previous"})


def arguments_for(tool: str, text: str) -> Parsed:
    """The call of ``tool`` that ``text`` asks for, or the question to ask."""
    tokens = tokenize(normalize(text)).tokens
    words = [t.text for t in tokens if t.kind == "word"]
    markets = distinct([MARKET_ALIASES[w] for w in words if w in MARKET_ALIASES])
    if len(markets) > 1 and tool != "get_price":
        return Ambiguous("two markets", f"Which market: {' or '.join(markets)}?")
    market = markets[0] if markets else None
    question = "Could you say that as a command, e.g. 'my positions' or 'price of sol'?"
    if tool in _NO_ARGS:
        return calls(build(tool, question))
    if tool in _NEEDS_MARKET:
        if market is None:
            return Ambiguous("no market", "Which market: SOL, BTC or ETH?")
        if tool == "get_price" and len(markets) > 1:
            return calls(*(build(tool, question, market=m) for m in markets))
        fields: dict[str, Any] = {"market": market}
        if tool == "get_candles":
            interval = next((t.text for t in tokens if t.kind == "interval"), None)
            if interval is not None:
                fields["interval"] = interval
        return calls(build(tool, question, **fields))
    if tool == "get_positions":
        return calls(build(tool, question, market=market))
    if tool == "get_orders":
        status = next((ORDER_STATUS_WORDS[w] for w in words if w in ORDER_STATUS_WORDS), None)
        if status is None and any(w.startswith("cancel") for w in words):
            status = "cancelled"
        if status is None and set(words) & _EVERY_ORDER:
            status = "all"  # "all my orders ever", "order history": every status, not only the open ones
        return calls(build(tool, question, market=market, **({"status": status} if status else {})))
    if tool == "get_history":
        period = next((PERIOD_WORDS[w] for w in words if w in PERIOD_WORDS), None)
        if period is None and re.search(r"\b(?:seven|7) days?\b", text.lower()):
            period = "7d"
        return calls(build(tool, question, market=market, **({"period": period} if period else {})))
    if tool in ("get_quote", "risk_check"):
        return _quote(tool, tokens)
    return Ambiguous("not a read", question)


def _quote(tool: str, tokens: Any) -> Parsed:
    """A quote from the order words in a free-form question; any other word is only talk."""
    slots = read_order_phrase([t for t in tokens if t.kind in ("number", "word")], ORDER_FILLERS)
    sides, markets = distinct(slots.sides), distinct(slots.markets)
    amounts = slots.sizes + slots.notionals
    if len(sides) != 1 or len(markets) != 1 or len(amounts) != 1 or slots.bad_numbers:
        return Ambiguous("an incomplete order to quote",
                         "Which order should I quote? e.g. 'quote short 5 sol 8x'.")
    return calls(build(
        tool, "Which order should I quote? e.g. 'quote short 5 sol 8x'.", market=markets[0], side=sides[0],
        size=slots.sizes[0] if slots.sizes else None, notional_usd=slots.notionals[0] if slots.notionals else None,
        leverage=distinct(slots.leverages)[0] if len(distinct(slots.leverages)) == 1 else None))
