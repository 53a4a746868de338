"""A stop or take-profit set relative to the position's entry: "set sl 10% above entry",
"tp 20% over my entry on eth". The entry is read from the position (get_positions) before the
trigger price is known, so the parse is an :class:`EntryRelative` the model completes; the
price is entry x (1 +- percent), rounded to the cent, and the arithmetic is said with the ticket.
A stop on the wrong side of the entry (a long's stop above it) is asked about, never placed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Final

from agent.parser._lexicon import MARKET_ALIASES
from agent.parser._normalize import normalize
from agent.parser._numbers import exact_product, read_decimal

__all__ = ["EntryRelative", "entry_relative", "trigger_from_entry"]

_MARKET_WORDS: Final = "|".join(sorted(MARKET_ALIASES, key=len, reverse=True))
_PATTERN: Final = re.compile(
    r"(?:set |put |place |add )?(?:an? |my )?(?P<kind>sl|stop loss|stop-loss|stop|tp|take profit|take-profit)"
    r"(?: (?:on|for) (?:my )?(?P<m1>" + _MARKET_WORDS + r"))?(?: at)? (?P<pct>\d+(?:\.\d+)?|\.\d+) ?(?:%|percent)"
    r" (?P<dir>above|over|below|under) (?:my |the )?(?:entry|entry price|avg entry|average entry)"
    r"(?: (?:on|for|of) (?:my )?(?P<m2>" + _MARKET_WORDS + r"))?")
_CENT: Final = Decimal("0.01")


@dataclass(frozen=True)
class EntryRelative:
    kind: str                 # stop_loss | take_profit
    percent: Decimal
    above: bool
    market: str | None        # None: the market the conversation is about


def entry_relative(text: str) -> EntryRelative | None:
    match = _PATTERN.fullmatch(normalize(text).strip(" ?!."))
    if match is None:
        return None
    percent = read_decimal(match.group("pct"))
    if percent is None:
        return None
    market_word = match.group("m1") or match.group("m2")
    return EntryRelative("take_profit" if match.group("kind").startswith("t") else "stop_loss", percent,
                         match.group("dir") in ("above", "over"), MARKET_ALIASES[market_word] if market_word else None)


def trigger_from_entry(asked: EntryRelative, side: str, entry: Decimal) -> tuple[Decimal, str] | str:
    """The trigger price and the arithmetic in words, or the question when the side makes no sense
    (a long's stop-loss above its entry would trigger at once)."""
    label = "stop-loss" if asked.kind == "stop_loss" else "take-profit"
    protects_long = (asked.kind == "stop_loss") != asked.above  # a long's stop is below, its take-profit above
    if (side == "long") != protects_long:
        want = "below" if (asked.kind == "stop_loss") == (side == "long") else "above"
        return f"A {label} on your {side} is {want} the entry, not {'above' if asked.above else 'below'} it. " \
               f"Did you mean {asked.percent}% {want} the entry?"
    factor = Decimal(1) + (exact_product(asked.percent, Decimal("0.01")) * (1 if asked.above else -1))
    price = exact_product(entry, factor).quantize(_CENT, rounding=ROUND_HALF_EVEN)
    where = "above" if asked.above else "below"
    note = (f"Your {side} entered at ${entry.normalize():,f}; {asked.percent}% {where} is ${price:,} "
            f"(rounded to the cent): the {label}'s trigger.")
    return price, note
