"""Every number form a trader types reaches the ticket exactly: words ("twenty five",
"one and a half"), fractions ("half a btc", "three quarters of an eth", "3/4"), "k"
suffixes (1.5k, 105k, 88.5k), thousands separators, a leading point and exponent notation
("1e-2" is 0.01, taken exactly). A fraction whose decimal does not end ("a third") is asked
about, never rounded."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent.parser import Ambiguous, NotUnderstood, ToolCalls, normalize, parse_command

_UNITS = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
          "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _words(n: int) -> str:
    """English words for 1 <= n <= 999,999 ("two hundred and fifty", "twenty-five")."""
    if n >= 1000:
        rest = n % 1000
        return f"{_words(n // 1000)} thousand" + (f" {_words(rest)}" if rest else "")
    if n >= 100:
        rest = n % 100
        return f"{_UNITS[n // 100]} hundred" + (f" and {_words(rest)}" if rest else "")
    if n >= 20:
        return _TENS[n // 10] + (f"-{_UNITS[n % 10]}" if n % 10 else "")
    return _TEENS[n - 10] if n >= 10 else _UNITS[n]


def _size(text: str) -> Decimal:
    parsed = parse_command(text)
    assert isinstance(parsed, ToolCalls), (text, parsed)
    args = parsed.calls[0].args
    value = getattr(args, "size", None) or getattr(args, "notional_usd", None)
    assert value is not None, (text, args)
    return Decimal(value)


@given(st.integers(min_value=2, max_value=999_999))
def test_a_number_in_words_is_the_number(n: int) -> None:
    assert _size(f"long {_words(n)} sol") == n


@given(st.integers(min_value=1, max_value=99_999), st.integers(min_value=-6, max_value=6))
def test_exponent_notation_is_taken_exactly(mantissa: int, exponent: int) -> None:
    value = Decimal(mantissa).scaleb(exponent)
    assert _size(f"long {mantissa}e{exponent} usdc of eth") == value


@given(st.integers(min_value=1, max_value=999), st.sampled_from(["", "5", "25", "75"]))
def test_k_multiplies_by_a_thousand_exactly(whole: int, fraction: str) -> None:
    typed = f"{whole}.{fraction}k" if fraction else f"{whole}k"
    assert _size(f"buy ${typed} of btc") == Decimal(f"{whole}.{fraction or 0}") * 1000


@given(st.integers(min_value=1000, max_value=10**9), st.integers(min_value=0, max_value=99))
def test_thousands_separators_are_read_exactly(whole: int, cents: int) -> None:
    assert _size(f"buy ${whole:,}.{cents:02d} of sol") == Decimal(f"{whole}.{cents:02d}")


@pytest.mark.parametrize(("text", "expected"), [
    ("long half a btc", "0.5"),
    ("long one and a half eth", "1.5"),
    ("long three and a half sol", "3.5"),
    ("long a quarter of a btc", "0.25"),
    ("long three quarters of an eth", "0.75"),
    ("long 3/4 eth", "0.75"),
    ("long one point five eth", "1.5"),
    ("long .3 eth", "0.3"),
    ("buy 105k usd of btc", "105000"),
    ("buy 1.5 thousand usdc of sol", "1500"),
    ("long one eth", "1"),
    ("long 1E-2 btc", "0.01"),
])
def test_spoken_and_written_fractions(text: str, expected: str) -> None:
    assert _size(text) == Decimal(expected)


def test_a_limit_price_in_k_is_exact() -> None:
    parsed = parse_command("short 0.01 btc limit 88.5k")
    assert isinstance(parsed, ToolCalls) and parsed.calls[0].args.price == Decimal("88500")  # type: ignore[attr-defined]


@pytest.mark.parametrize("text", ["long a third of a btc", "long 1/3 eth", "long 1e999 sol", "long five twenty sol"])
def test_a_number_that_is_not_exact_or_not_one_number_is_never_guessed(text: str) -> None:
    assert isinstance(parse_command(text), Ambiguous | NotUnderstood)


def test_one_alone_is_left_as_a_word() -> None:
    # "cancel the btc one" names a listed order (a follow-up), not the number 1.
    assert normalize("cancel the btc one") == "cancel the btc one"
