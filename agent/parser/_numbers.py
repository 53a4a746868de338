"""Numbers exactly as the trader typed them.

Every number goes string -> ``Decimal`` without passing through float or
through Decimal arithmetic: scaling ("1.5k", "25%") moves the decimal point in
the digit tuple, so no context precision can round a long number.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Final

__all__ = ["read_decimal", "shift_point"]

# Thousands separators only in their proper places: "1,250.50" yes, "1,25" no
# (that is a decimal comma in much of the world, and guessing would be wrong).
_GROUPED: Final = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_PLAIN: Final = re.compile(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+")


def read_decimal(digits: str) -> Decimal | None:
    """``digits`` ("2", "0.3", ".5", "1,250.50") as an exact Decimal; None if malformed."""
    if "," in digits:
        if not _GROUPED.fullmatch(digits):
            return None
        digits = digits.replace(",", "")
    elif not _PLAIN.fullmatch(digits):
        return None
    return Decimal(digits)


def shift_point(value: Decimal, places: int) -> Decimal:
    """``value`` times 10**places, exactly, written without an exponent when it is whole.

    ``shift_point(Decimal("1.5"), 3) == Decimal("1500")`` (not ``1.5E+3``), and
    ``shift_point(Decimal("25"), -2) == Decimal("0.25")``.
    """
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):  # NaN/Infinity: read_decimal never makes them
        return value
    exponent += places
    if exponent > 0:
        # Spell the trailing zeros out so the value prints as the trader would write it.
        digits = digits + (0,) * exponent
        exponent = 0
    return Decimal((sign, digits, exponent))
