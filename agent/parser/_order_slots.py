"""Reading an order phrase ("long 2 sol 5x limit 150") into slots.

Every token either fills a slot or is remembered as unknown; nothing is
skipped silently. Slots are lists so that a phrase naming two sides, markets
or sizes can be reported as a conflict instead of one of them winning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from agent.parser._lexicon import (
    LEVERAGE_WORDS,
    MARKET_ALIASES,
    MONEY_WORDS,
    ORDER_TYPE_WORDS,
    PERCENT_WORDS,
    PRICE_MARKERS,
    REDUCE_ONLY,
    SIDE_WORDS,
    TIMES_WORDS,
)
from agent.parser._numbers import shift_point
from agent.parser._tokens import Token
from tools.schemas import Market, OrderType, Side

__all__ = ["OrderSlots", "read_order_phrase", "distinct"]

_T = TypeVar("_T")


@dataclass(slots=True)
class OrderSlots:
    """What one order phrase said. Mutable only while ``read_order_phrase`` fills it."""

    sides: list[Side] = field(default_factory=list)
    markets: list[Market] = field(default_factory=list)
    sizes: list[Decimal] = field(default_factory=list)
    notionals: list[Decimal] = field(default_factory=list)
    margins: list[Decimal] = field(default_factory=list)  # "margin 500": the size is margin x leverage
    asset_sizes: list[Decimal] = field(default_factory=list)  # sizes written right before a market ("0.5 eth")
    leverages: list[Decimal] = field(default_factory=list)
    prices: list[Decimal] = field(default_factory=list)
    percents: list[Decimal] = field(default_factory=list)
    types: list[OrderType] = field(default_factory=list)
    slippages_bps: list[Decimal] = field(default_factory=list)  # "slippage 0.5%", "slippage 50 bps"
    reduce_only: bool = False
    unknown: list[str] = field(default_factory=list)
    bad_numbers: list[str] = field(default_factory=list)


def distinct(values: Sequence[_T]) -> list[_T]:
    """``values`` without repeats, first occurrence first (2 and 2.0 are one value)."""
    seen: list[_T] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


def read_order_phrase(tokens: Sequence[Token], fillers: frozenset[str]) -> OrderSlots:
    """Fill slots from ``tokens``; words in ``fillers`` are allowed and carry no meaning."""
    slots = OrderSlots()
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.kind == "number":
            i = _read_number(tokens, i, slots)
            continue
        if token.kind == "badnumber":
            slots.bad_numbers.append(token.raw)
            # Its unit ("1,5 usdc", ",5 x leverage") is understood; the number is what gets asked about.
            i = _skip_one(tokens, _skip_one(tokens, i + 1, TIMES_WORDS | MONEY_WORDS | PERCENT_WORDS), LEVERAGE_WORDS)
            continue
        if token.kind != "word":
            slots.unknown.append(token.raw)
        elif token.text in SIDE_WORDS:
            slots.sides.append(SIDE_WORDS[token.text])
        elif token.text in MARKET_ALIASES:
            slots.markets.append(MARKET_ALIASES[token.text])
        elif token.text in ("limit", "lmt"):
            slots.types.append("limit")
            i = _read_price(tokens, i + 1, slots)
            continue
        elif token.text in PRICE_MARKERS:
            after = _read_price(tokens, i + 1, slots)
            if after > i + 1:
                i = after
                continue
            if i + 1 < len(tokens) and tokens[i + 1].is_word("market", "mkt"):  # "at market"
                slots.types.append("market")
                i += 2
                continue
            slots.unknown.append(token.raw)
        elif token.text in ORDER_TYPE_WORDS:
            slots.types.append(ORDER_TYPE_WORDS[token.text])
        elif token.text == "margin" and i + 1 < len(tokens) and tokens[i + 1].kind == "number" \
                and tokens[i + 1].unit in ("", "usd") and tokens[i + 1].value is not None:
            slots.margins.append(tokens[i + 1].value)  # type: ignore[arg-type]
            i = _skip_one(tokens, i + 2, MONEY_WORDS)
            continue
        elif token.text in LEVERAGE_WORDS:
            after = _read_leverage_after(tokens, i + 1, slots)
            if after > i + 1:
                i = after
                continue
            slots.unknown.append(token.raw)
        elif token.text == "slippage" and i + 1 < len(tokens) and tokens[i + 1].kind == "number" \
                and tokens[i + 1].value is not None and (tokens[i + 1].unit == "pct" or (
                    tokens[i + 1].unit == "" and i + 2 < len(tokens) and tokens[i + 2].is_word("bps", "bp"))):
            following = tokens[i + 1]
            assert following.value is not None
            percent = following.unit == "pct"
            slots.slippages_bps.append(shift_point(following.value, 2) if percent else following.value)
            i += 2 if percent else 3
            continue
        elif token.text == REDUCE_ONLY[0] and i + 1 < len(tokens) and tokens[i + 1].is_word(REDUCE_ONLY[1]):
            slots.reduce_only = True
            i += 2
            continue
        elif token.text not in fillers:
            slots.unknown.append(token.raw)
        i += 1
    return slots


def _read_number(tokens: Sequence[Token], i: int, slots: OrderSlots) -> int:
    token = tokens[i]
    value = token.value
    assert value is not None  # every "number" token carries its value
    following = tokens[i + 1] if i + 1 < len(tokens) else None
    if token.unit == "x":
        slots.leverages.append(value)
        return _skip_one(tokens, i + 1, LEVERAGE_WORDS)
    if token.unit == "pct":
        slots.percents.append(value)
        return i + 1
    if token.unit == "usd":
        slots.notionals.append(value)
        return _skip_one(tokens, i + 1, MONEY_WORDS)
    if following is not None and following.in_set(TIMES_WORDS):  # "5 x", "5 times leverage"
        slots.leverages.append(value)
        return _skip_one(tokens, i + 2, LEVERAGE_WORDS)
    labelled_next = i + 2 < len(tokens) and tokens[i + 2].kind == "number"
    if following is not None and following.in_set(LEVERAGE_WORDS) and not labelled_next:  # "5 leverage"
        # ("size 8, lev 5": "lev" labels the 5 after it, so the 8 is a size.)
        slots.leverages.append(value)
        return i + 2
    if following is not None and following.in_set(MONEY_WORDS):  # "500 usdc"
        slots.notionals.append(value)
        return i + 2
    if following is not None and following.in_set(PERCENT_WORDS):
        slots.percents.append(value)
        return i + 2
    slots.sizes.append(value)
    if following is not None and following.kind == "word" and following.text in MARKET_ALIASES:
        slots.asset_sizes.append(value)
    return i + 1


def _read_price(tokens: Sequence[Token], i: int, slots: OrderSlots) -> int:
    """After "limit"/"at"/"price": the price (or "at 5x" leverage); returns ``i`` if none follows."""
    j = i
    while j < len(tokens) and tokens[j].in_set(PRICE_MARKERS):  # "limit at 150", "limit price 150"
        j += 1
    if j < len(tokens) and tokens[j].kind == "badnumber":  # "at 150..": a price, unreadable, so asked about
        slots.bad_numbers.append(tokens[j].raw)
        return j + 1
    if j < len(tokens) and tokens[j].kind == "number":
        token = tokens[j]
        assert token.value is not None
        if token.unit in ("", "usd"):
            slots.prices.append(token.value)
            return _skip_one(tokens, j + 1, MONEY_WORDS)
        if token.unit == "x":
            slots.leverages.append(token.value)
            return _skip_one(tokens, j + 1, LEVERAGE_WORDS)
    return i


def _read_leverage_after(tokens: Sequence[Token], i: int, slots: OrderSlots) -> int:
    """After "leverage": "leverage 5", "leverage of 5x"; returns ``i`` if no number follows."""
    j = _skip_one(tokens, i, frozenset({"of"}))
    if j < len(tokens) and tokens[j].kind == "number" and tokens[j].unit in ("", "x"):
        value = tokens[j].value
        assert value is not None
        slots.leverages.append(value)
        return _skip_one(tokens, j + 1, TIMES_WORDS)
    return i


def _skip_one(tokens: Sequence[Token], i: int, words: frozenset[str]) -> int:
    return i + 1 if i < len(tokens) and tokens[i].in_set(words) else i
