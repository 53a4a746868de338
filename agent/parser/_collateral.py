"""Sizing by a share of the account: "use a quarter of my free collateral to long sol 2x",
"put half my collateral into a 3x eth long".

The share is read here; the amount is not known until the account is read (get_account),
so the parse is a :class:`CollateralSizing` that the model completes with the account's
free collateral: margin = share x free collateral, notional = margin x leverage. Without
a side, a market or a leverage the size cannot be known, so it is asked, never defaulted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from agent.parser._lexicon import ORDER_FILLERS
from agent.parser._normalize import normalize
from agent.parser._numbers import exact_product, read_decimal, shift_point
from agent.parser._order_slots import distinct, read_order_phrase
from agent.parser._result import Ambiguous
from agent.parser._tokens import tokenize

__all__ = ["CollateralSizing", "collateral_sizing", "sized_order"]

# "0.25 of my free collateral", "half my collateral", "25% of my margin", "half of my balance".
_SHARE: Final = re.compile(r"\b(half|all|0?\.\d+|\d+(?:\.\d+)?%|\d+(?:\.\d+)? percent)(?: of)? my "
                           r"(free |available )?(collateral|margin|balance|account|equity)\b")
_TALK: Final = frozenset({"use", "put", "putting", "into", "in", "to", "with", "using", "for", "on", "open"})
# "put 2k in eth long 5x", "throw $500 into a sol short": an amount put into an order is its margin or its size.
_PUT: Final = re.compile(r"(?:put|putting|throw|drop|stick|allocate|commit) (\$?\d[\d.,]*k?)"
                         r"(?: usd| usdc| dollars| bucks)? (?:in|into|on) (?:an? )?(.+)")


@dataclass(frozen=True)
class CollateralSizing:
    """An order sized as ``share`` of the free collateral; ``fields`` are its other OrderArgs."""

    share: Decimal
    fields: dict[str, Any]


def _share(word: str) -> Decimal | None:
    if word == "half":
        return Decimal("0.5")
    if word == "all":
        return Decimal(1)
    percent = word.removesuffix("%").removesuffix(" percent")
    value = read_decimal(percent)
    if value is None:
        return None
    return shift_point(value, -2) if percent != word else value


def collateral_sizing(text: str) -> CollateralSizing | Ambiguous | None:
    """The order ``text`` asks for, sized by a share of the collateral; None if it is no such order."""
    normal = normalize(text)
    match = _SHARE.search(normal)
    if match is None:
        return _put_amount(normal)
    share = _share(match.group(1))
    if share is None or not 0 < share <= 1:
        return Ambiguous("a share of the collateral that is no fraction", "What share of your collateral: "
                         "e.g. 'use a quarter of my free collateral to long sol 2x'?")
    rest = [t for t in tokenize(normal[:match.start()] + " " + normal[match.end():]).tokens
            if not t.in_set(_TALK)]
    slots = read_order_phrase(rest, ORDER_FILLERS)
    if slots.unknown or slots.bad_numbers or slots.sizes or slots.notionals or slots.margins or slots.prices:
        return None
    sides, markets, leverages = distinct(slots.sides), distinct(slots.markets), distinct(slots.leverages)
    if len(sides) != 1 or len(markets) != 1:
        return Ambiguous("a collateral share without one side and market",
                         "Which order: e.g. 'use a quarter of my free collateral to long sol 2x'?")
    if len(leverages) != 1:
        return Ambiguous("a collateral share without one leverage",
                         "At what leverage? The size is your share of the collateral x leverage, e.g. "
                         f"'use {match.group(0)} to {sides[0]} {markets[0].removesuffix('-PERP').lower()} 2x'.")
    return CollateralSizing(share, {"market": markets[0], "side": sides[0], "leverage": leverages[0],
                                    "reduce_only": slots.reduce_only})


def _put_amount(normal: str) -> Ambiguous | None:
    """An amount "put into" an order names no side of the margin/notional line: asked, never chosen."""
    match = _PUT.fullmatch(normal.strip(" .!"))
    if match is None:
        return None
    slots = read_order_phrase(list(tokenize(match.group(2)).tokens), ORDER_FILLERS)
    sides, markets, leverages = distinct(slots.sides), distinct(slots.markets), distinct(slots.leverages)
    if slots.unknown or slots.bad_numbers or slots.sizes or slots.notionals or len(sides) != 1 or len(markets) != 1:
        return None
    amount = match.group(1).lstrip("$")
    coin = markets[0].removesuffix("-PERP").lower()
    lev = f" {leverages[0]}x" if len(leverages) == 1 else " 2x"
    as_margin, as_size = f"{sides[0]} {coin}{lev} with {amount} margin", f"{sides[0]} ${amount} of {coin}{lev}"
    return Ambiguous("an amount put into an order: margin or notional",
                     f"Is ${amount} the margin or the position's size? Say `{as_margin}` (the position is margin x "
                     f"leverage) or `{as_size}` (${amount} notional).")


def sized_order(sizing: CollateralSizing, free_collateral: Decimal) -> tuple[dict[str, Any], str]:
    """The order's arguments with its notional, and the arithmetic in words for the ticket's reply."""
    margin = exact_product(sizing.share, free_collateral)
    notional = exact_product(margin, sizing.fields["leverage"])
    share = format(exact_product(sizing.share, Decimal(100)), "f")
    note = (f"Sized from your account: {share}% of your free collateral ${free_collateral:,.2f} = "
            f"${margin:,.2f} margin; x {sizing.fields['leverage']}x leverage = ${notional:,.2f} notional.")
    return {**sizing.fields, "notional_usd": notional}, note
