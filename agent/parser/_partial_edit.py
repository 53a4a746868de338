"""Edits said as part of an order: "make that 3 sol", "change leverage to 2x", "same for btc but
0.01", "actually go long", "make it a limit at 140", "no wait, 4x", "do the same on eth".

Tried after the follow-up rules (:mod:`agent.parser._followups`), when none of them read the
message. Once its edit words are set aside, the message must read entirely as order slots (size
or dollar amount, market, side, leverage, limit price, reduce-only); each slot it names replaces
that slot of the conversation's last order, quote or risk check, and the rest is kept. The result
is a new, complete request, validated like a typed one. A slot named twice, a bare number that
could be the size, the price or the leverage, or an edit that changes nothing is asked about or
left alone, never guessed.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Final

from agent.parser._context import Context, ToolUse, again, bare_number
from agent.parser._lexicon import ORDER_FILLERS
from agent.parser._order_slots import OrderSlots, distinct, read_order_phrase
from agent.parser._result import Ambiguous, Parsed, ToolCalls
from agent.parser._tokens import tokenize

__all__ = ["partial_edit"]

# Words that say "change the last one" ("make", "instead", "same", "actually"). A new side or market, or an
# edit of an order that already ran, needs one: "short eth" alone is a new order missing its size, and its
# size is asked for, never taken from the last order.
_MARKERS: Final = frozenset({
    "make", "change", "changed", "instead", "actually", "same", "switch", "no", "wait", "hmm", "hm", "oops", "meant",
    "mean", "correction", "rather", "then", "try", "what", "how", "do", "but", "sorry", "um", "uh", "oh",
})
# Words of an edit that carry no order slot: the markers and the talk around them ("no wait, make that 3 sol").
_EDIT_WORDS: Final = _MARKERS | frozenset({
    "it", "that", "this", "to", "please", "pls", "just", "again", "one", "thing", "as", "well", "too", "also",
    "lets", "let", "us", "about", "if", "i", "put", "at", "in",
})
# "leverage to 2x", "size of 3", "price at 140": the slot word, then its value.
_SLOT_VALUE: Final = re.compile(r"\b(leverage|lev|size|price)\s+(?:to|of|at|=|is)\s+")
_ASK_WHOLE: Final = "Which one do you mean? Say the whole order, e.g. 'long 2 SOL 5x'."


def partial_edit(text: str, ctx: Context) -> Parsed | None:
    """The last order with the slots ``text`` names changed, a question, or None (not such an edit).
    ``text`` is normalized (:func:`agent.parser.normalize`)."""
    use = ctx.last_order
    if use is None:
        return None
    from agent.parser._parse import parse_command  # the parser reads follow-ups too: imported when used

    if isinstance(parse_command(text), ToolCalls):
        return None  # an order on its own ("long 1 eth") is that order, not an edit
    tokens = tokenize(_SLOT_VALUE.sub(r"\1 ", text)).tokens
    slots = read_order_phrase(tokens, ORDER_FILLERS | _EDIT_WORDS)
    if slots.unknown or slots.bad_numbers or slots.margins or slots.percents or "stop_loss" in slots.types \
            or "take_profit" in slots.types:
        return None
    marked = any(t.text in _MARKERS for t in tokens if t.kind == "word")
    moved = any(m != use.args.get("market") for m in slots.markets) or any(
        side != use.args.get("side") for side in slots.sides)
    if not marked and (moved or not ctx.ticket_set_aside):
        return None
    return _changes(use, slots)


def _changes(use: ToolUse, slots: OrderSlots) -> Parsed | None:
    sides, markets, leverages = distinct(slots.sides), distinct(slots.markets), distinct(slots.leverages)
    prices, types = distinct(slots.prices), distinct(slots.types)
    amounts = distinct(slots.sizes) + distinct(slots.notionals)
    if not (sides or markets or leverages or prices or types or amounts or slots.reduce_only):
        return None
    if max(len(sides), len(markets), len(leverages), len(prices), len(types), len(amounts)) > 1:
        return Ambiguous("two values for one part of the order", _ASK_WHOLE)
    if amounts and not slots.asset_sizes and not markets and not slots.notionals and not (
            sides or leverages or prices or types or slots.reduce_only):
        return bare_number(use, amounts[0])  # "hmm make it 1.5"
    changes: dict[str, Any] = {}
    kind = use.args.get("order_type") or "market"
    if slots.sizes:
        changes.update(size=slots.sizes[0], notional_usd=None)
    elif slots.notionals:
        changes.update(notional_usd=slots.notionals[0], size=None)
    if markets:
        changes["market"] = markets[0]
    if sides:
        changes["side"] = sides[0]
    if leverages:
        changes["leverage"] = leverages[0]
    if types == ["market"]:
        changes.update(order_type="market", price=None)
    elif prices or types == ["limit"]:
        if not prices and kind != "limit":
            return Ambiguous("a limit without its price", "A limit at what price, e.g. 'make it a limit at 140'?")
        changes.update(order_type="limit" if kind == "market" else kind, **({"price": prices[0]} if prices else {}))
    if slots.reduce_only:
        changes["reduce_only"] = True
    if all(_same(use.args.get(k), v) for k, v in changes.items()):
        if sides and len(changes) == 1:
            return Ambiguous("the side it already has", f"It is already a {sides[0]}. What would you like to change?")
        return None  # nothing changes: not an edit of this order
    return again(use, **changes)


def _same(old: Any, new: Any) -> bool:
    if old is None or new is None:
        return old is new
    try:
        return Decimal(str(old)) == Decimal(str(new))
    except ArithmeticError:
        return str(old) == str(new)
