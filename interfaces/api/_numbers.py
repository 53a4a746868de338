"""Numbers as a person says them, for text-to-speech: "two point five",
"one hundred forty six dollars and seventy two cents".

Whole numbers come from num2words; its British "and" and hyphens ("one hundred and
forty-six") are taken out, since a voice reading a trade says "one hundred forty
six". Decimals are read digit by digit after "point", exactly as written (no
rounding: "146.785" is "one hundred forty six point seven eight five").
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from num2words import num2words

_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def spoken_integer(value: int) -> str:
    words = num2words(abs(value)).replace(" and ", " ").replace(",", "").replace("-", " ")
    return f"minus {words}" if value < 0 else words


def _parts(text: str) -> tuple[bool, str, str] | None:
    """Sign, whole digits and decimal digits (trailing zeros dropped) of a plain number."""
    cleaned = text.replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    negative = value < 0
    whole, _, fraction = cleaned.lstrip("+-").partition(".")
    return negative, whole or "0", fraction.rstrip("0")


def spoken_number(text: str) -> str:
    """A plain number as written ("2.5", "-0.09", "1,000") in words; the text itself if it is not one."""
    parts = _parts(text)
    if parts is None:
        return text
    negative, whole, fraction = parts
    words = spoken_integer(int(whole))
    if fraction:
        words += " point " + " ".join(_DIGITS[int(d)] for d in fraction)
    return f"minus {words}" if negative and (int(whole) or fraction) else words


def spoken_money(text: str) -> str:
    """A dollar amount ("146.72", "0.09", "1,000.00") in words, as dollars and cents.
    Past two decimals it is said "about" to the cent (a fee of 0.146785 is "about
    fifteen cents": the exact value is in the ticket's fields), unless that would be
    zero (a price of 0.0001 is read out digit by digit)."""
    parts = _parts(text)
    if parts is None:
        return text
    negative, whole, fraction = parts
    if len(fraction) > 2:
        cents = Decimal(f"{whole}.{fraction}").quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
        if not cents:
            return f"{spoken_number(text)} dollars"
        return "about " + spoken_money(f"{'-' if negative else ''}{cents}")
    dollars, cents = int(whole), int(fraction.ljust(2, "0")) if fraction else 0
    pieces = []
    if dollars or not cents:
        pieces.append(f"{spoken_integer(dollars)} dollar{'' if dollars == 1 else 's'}")
    if cents:
        pieces.append(f"{spoken_integer(cents)} cent{'' if cents == 1 else 's'}")
    words = " and ".join(pieces)
    return f"minus {words}" if negative and (dollars or cents) else words
