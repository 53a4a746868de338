"""Numbers written in words -> digits: "twenty five" -> 25, "two hundred and fifty" -> 250,
"one point five" -> 1.5, "three quarters of a" -> 0.75, "3/4" -> 0.75.

Only exact values: a fraction whose decimal does not end ("a third", "1/3") is left as typed,
so it stays an unknown word (asked about), never a rounded number. A lone "one" is left
alone ("cancel the btc one" names an order); it counts only beside another number word,
a market or a unit ("one eth", "one hundred", "one point five").
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from typing import Final

from agent.parser._lexicon import MARKET_ALIASES

__all__ = ["spell_numbers"]

_UNITS: Final = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
                 "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS: Final = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
                "ninety": 90}
_SCALES: Final = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_DIGIT_WORDS: Final = {w: str(v) for w, v in _UNITS.items() if v < 10}
_NUMBER_WORD: Final = "|".join(sorted([*_UNITS, *_TENS, *_SCALES], key=len, reverse=True))
# A run of number words ("two hundred and fifty", "twenty-five"), maybe with "point" and digit words after it.
_LEAD_WORD: Final = "|".join(sorted([*_UNITS, *_TENS], key=len, reverse=True))
# (A run starts with a unit or a tens word: "2 thousand" and "a hundred" are read by the phrases after.)
_RUN: Final = re.compile(rf"\b(?:{_LEAD_WORD})(?:(?:[\s-]+|\s+and\s+)(?:{_NUMBER_WORD}))*"
                         rf"(?:\s+point(?:\s+(?:{'|'.join(_DIGIT_WORDS)}))+)?\b")
# What makes a lone "one" a number: a unit or a market right after it.
_UNIT_AFTER: Final = frozenset({"x", "k", "usd", "usdc", "dollar", "dollars", "bucks", "percent", "%", "times",
                                *MARKET_ALIASES})
_FRACTIONS: Final = {"half": Fraction(1, 2), "halves": Fraction(1, 2), "quarter": Fraction(1, 4),
                     "quarters": Fraction(1, 4), "third": Fraction(1, 3), "thirds": Fraction(1, 3),
                     "fifth": Fraction(1, 5), "fifths": Fraction(1, 5), "tenth": Fraction(1, 10),
                     "tenths": Fraction(1, 10), "eighth": Fraction(1, 8), "eighths": Fraction(1, 8)}
# "three quarters of a btc", "a fifth of": a count of a fraction word.
# The count is a word or a small whole number standing alone ("$500 fifth" is no count: 500 stays 500).
_COUNTED: Final = re.compile(rf"(?<![$\d.,])\b(a|an|one|two|three|four|five|seven|nine|[0-9]{{1,2}})\s+"
                             rf"({'|'.join(_FRACTIONS)})\b(\s+of\s+an?\b(?=\s+\w))?")
# "three and a half" once both halves are digits: "3 and 0.5".
_AND_PART: Final = re.compile(r"\b(one|[0-9]+) and (0\.[0-9]+)\b")
_SLASH: Final = re.compile(r"(?<![\w./,])([0-9]+)/([0-9]+)(?![\w./,])")


def _value(words: list[str]) -> int | None:
    total = current = 0
    for word in words:
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = (current or 1) * 100
        else:
            total += (current or 1) * _SCALES[word]
            current = 0
    return total + current


def _well_formed(words: list[str]) -> bool:
    """"twenty five", "two hundred fifty"; not "five twenty" or "two three" (those are two numbers)."""
    last = None
    previous = ""
    for word in words:
        kind = "unit" if word in _UNITS else "tens" if word in _TENS else "scale"
        if kind == "scale" and last == "scale" and _SCALES[word] > _SCALES[previous]:
            previous = word  # "three hundred thousand"
            continue
        previous = word
        if last == kind or (last == "unit" and kind == "tens") or (last == "tens" and word in _UNITS and
                                                                   _UNITS[word] >= 10):
            return False
        last = kind
    return True


def _decimal(value: Fraction) -> str | None:
    """The exact decimal of ``value``, or None when it does not end (1/3)."""
    d = value.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    if d != 1:
        return None
    digits = Decimal(value.numerator) / Decimal(value.denominator)  # exact: a terminating decimal
    return format(digits.normalize(), "f")


def spell_numbers(text: str) -> str:
    """``text`` (lower case) with its number words as digits."""
    def counted(m: re.Match[str]) -> str:
        count = 1 if m.group(1) in ("a", "an") else int(m.group(1)) if m.group(1).isdigit() else _UNITS[m.group(1)]
        if (count == 1) == m.group(2).endswith("s"):
            return m.group(0)  # "a thirds", "3 third": no fraction a trader writes, so nothing is read into it
        exact = _decimal(count * _FRACTIONS[m.group(2)])
        return m.group(0) if exact is None else exact + (" " if m.group(3) else "")

    def run(m: re.Match[str]) -> str:
        whole, _, fraction = m.group(0).partition(" point")
        words = [w for w in re.split(r"[\s-]+", whole) if w and w != "and"]
        if not _well_formed(words):
            return " ".join(str(_value([w])) if w != "one" else w for w in words)
        if words == ["one"] and not fraction:
            after = text[m.end():].split()[:1]
            if not (after and after[0] in _UNIT_AFTER):
                return m.group(0)
        number = str(_value(words))
        if fraction:
            number += "." + "".join(_DIGIT_WORDS[w] for w in fraction.split())
        return number

    def slash(m: re.Match[str]) -> str:
        denominator = int(m.group(2))
        exact = _decimal(Fraction(int(m.group(1)), denominator)) if denominator else None
        return m.group(0) if exact is None else exact

    def and_part(m: re.Match[str]) -> str:
        whole = Decimal(1 if m.group(1) == "one" else int(m.group(1)))
        return format(whole + Decimal(m.group(2)), "f")

    out = _COUNTED.sub(counted, text)
    out = _RUN.sub(run, out)
    out = _AND_PART.sub(and_part, out)
    return " ".join(_SLASH.sub(slash, out).split())
