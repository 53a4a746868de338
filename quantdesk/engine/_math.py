"""Integer helpers shared by every formula, with Rust's semantics.

Python integers never overflow and ``//`` floors, so each helper states which Rust
operation it stands for: the engine's ``floor_div``/``ceil_div`` (``div_euclid``
with a positive divisor), Rust's truncating ``/``, and the checked narrowing
conversions that fail with ``MathOverflow`` instead of wrapping. Where the Rust
engine does *unchecked* arithmetic that would panic in a debug build (the runner the
differential tests use), the mirror raises :class:`EnginePanic` instead of guessing.
"""

from __future__ import annotations

from quantdesk.engine._errors import EnginePanic, MathOverflow

__all__ = [
    "FUNDING_RATE_SCALE",
    "I64_MAX",
    "I64_MIN",
    "I128_MAX",
    "I128_MIN",
    "MAX_PRICE",
    "PPM",
    "PRICE_DECIMALS",
    "U16_MAX",
    "U64_MAX",
    "add",
    "apply_delta",
    "ceil_div",
    "checked_mul_i128",
    "div_euclid",
    "floor_div",
    "mul",
    "pow10",
    "saturating_i64",
    "to_i64",
    "to_u64",
    "trunc_div",
    "unchecked_i64",
    "unchecked_i128",
]

# Ratios (margins, fees, spread, confidence, fee shares) are parts per million.
PPM = 1_000_000
# Prices are quote (USDC) per one whole base unit, scaled by 10^6.
PRICE_DECIMALS = 6
# Largest price the engine accepts (10^7 USD per whole base unit); it keeps every
# product of a size, a price and a ratio inside i128.
MAX_PRICE = 10_000_000_000_000
# Funding rates are a fraction of notional per funding interval, scaled by 10^9.
FUNDING_RATE_SCALE = 1_000_000_000

U16_MAX = (1 << 16) - 1
U64_MAX = (1 << 64) - 1
I64_MIN = -(1 << 63)
I64_MAX = (1 << 63) - 1
I128_MIN = -(1 << 127)
I128_MAX = (1 << 127) - 1


def floor_div(n: int, d: int) -> int:
    """Rounds toward negative infinity (Rust ``i128::div_euclid`` for ``d > 0``)."""
    if d <= 0:
        # The Rust helper carries `debug_assert!(d > 0)`.
        raise EnginePanic(f"floor_div by a non-positive divisor {d}")
    return n // d


def ceil_div(n: int, d: int) -> int:
    """Rounds toward positive infinity (the engine's ``-(-n).div_euclid(d)``)."""
    if d <= 0:
        raise EnginePanic(f"ceil_div by a non-positive divisor {d}")
    if n == I128_MIN:
        # `-n` overflows i128 in Rust.
        raise EnginePanic("ceil_div of i128::MIN")
    return -((-n) // d)


def div_euclid(n: int, d: int) -> int:
    """Rust's ``div_euclid`` for any non-zero divisor: the remainder is never negative."""
    if d == 0:
        raise EnginePanic("division by zero")
    r = n % abs(d)
    return (n - r) // d


def trunc_div(n: int, d: int) -> int:
    """Rust's integer ``/``: rounds toward zero."""
    if d == 0:
        raise EnginePanic("division by zero")
    q = abs(n) // abs(d)
    return q if (n < 0) == (d < 0) else -q


def pow10(exp: int) -> int:
    """10^exp as i128 (``10i128.pow``); validated markets keep ``exp`` ≤ 12, oracle
    exponents ≤ 24 after the shift. Past i128 the Rust engine panics."""
    result = int(10**exp)
    if result > I128_MAX:
        raise EnginePanic(f"10^{exp} overflows i128")
    return result


def _fits_i128(v: int) -> bool:
    return I128_MIN <= v <= I128_MAX


def mul(a: int, b: int) -> int:
    """``i128::checked_mul``: ``MathOverflow`` when the product leaves i128."""
    product = a * b
    if not _fits_i128(product):
        raise MathOverflow()
    return product


def add(a: int, b: int) -> int:
    """``i128::checked_add``: ``MathOverflow`` when the sum leaves i128."""
    total = a + b
    if not _fits_i128(total):
        raise MathOverflow()
    return total


def checked_mul_i128(a: int, b: int) -> int | None:
    """``i128::checked_mul`` as an option (``None`` on overflow), for estimates."""
    product = a * b
    return product if _fits_i128(product) else None


def to_i64(v: int) -> int:
    """Narrows to i64 or fails with ``MathOverflow``."""
    if not I64_MIN <= v <= I64_MAX:
        raise MathOverflow()
    return v


def to_u64(v: int) -> int:
    """Narrows to u64 or fails with ``MathOverflow``."""
    if not 0 <= v <= U64_MAX:
        raise MathOverflow()
    return v


def apply_delta(balance: int, delta: int) -> int:
    """Adds a signed delta to an unsigned balance; below zero or past u64 is an overflow."""
    return to_u64(add(balance, delta))


def saturating_i64(v: int) -> int:
    """Rust's ``saturating_*`` on i64: clamps instead of overflowing."""
    return max(I64_MIN, min(I64_MAX, v))


def unchecked_i64(v: int, what: str) -> int:
    """An i64 operation the Rust engine does not check: out of range it panics."""
    if not I64_MIN <= v <= I64_MAX:
        raise EnginePanic(f"i64 overflow in {what}")
    return v


def unchecked_i128(v: int, what: str) -> int:
    """An i128 operation the Rust engine does not check: out of range it panics."""
    if not _fits_i128(v):
        raise EnginePanic(f"i128 overflow in {what}")
    return v
