"""Numbers exactly as the trader typed them.

Every number goes string -> ``Decimal`` without passing through float or
through Decimal arithmetic: scaling ("1.5k", "25%") moves the decimal point in
the digit tuple, so no context precision can round a long number.
"""

from __future__ import annotations

import re
from decimal import Context, Decimal
from typing import Final

__all__ = ["exact_product", "read_decimal", "shift_point"]

# Thousands separators only in their proper places: "1,250.50" yes, "1,25" no
# (that is a decimal comma in much of the world, and guessing would be wrong).
_GROUPED: Final = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_PLAIN: Final = re.compile(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+")
_EXPONENT: Final = re.compile(r"[-+]?[0-9]{1,2}")


def read_decimal(digits: str) -> Decimal | None:
    """``digits`` ("2", "0.3", ".5", "1,250.50", "1e-2", "2.5e3") as an exact Decimal; None if malformed."""
    mantissa, e, exponent = digits.partition("e")
    if e:
        # Exponent notation is taken exactly (1e-2 is 0.01, written so); a huge exponent is no trader's number.
        if not _EXPONENT.fullmatch(exponent) or "," in mantissa:
            return None
        value = read_decimal(mantissa)
        return None if value is None else shift_point(value, int(exponent))
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


# Enough digits for any product of two numbers a trader types (each at most ~60 digits once read).
_EXACT: Final = Context(prec=200)


def exact_product(a: Decimal, b: Decimal) -> Decimal:
    """``a`` times ``b`` without rounding, written without an exponent (500 x 2 is 1000, 0.5 x 2 is 1)."""
    product = _EXACT.multiply(a, b)
    return Decimal(format(product.normalize(_EXACT), "f")) if product else product
