"""The integer helpers behave like the Rust operations they stand for: the engine's
floor/ceil division, Rust's truncating ``/`` and ``div_euclid``, checked narrowing."""

from __future__ import annotations

import pytest

from quantdesk.engine import (
    EnginePanic,
    MathOverflow,
    apply_delta,
    ceil_div,
    div_euclid,
    floor_div,
    to_i64,
    to_u64,
    trunc_div,
)


def test_division_rounds_in_the_named_direction_for_both_signs() -> None:
    # perp_engine math.rs: division_rounds_in_the_named_direction_for_both_signs.
    assert (floor_div(7, 2), floor_div(-7, 2), ceil_div(7, 2), ceil_div(-7, 2)) == (3, -4, 4, -3)
    assert (ceil_div(6, 2), floor_div(-6, 2)) == (3, -3)


def test_truncating_division_rounds_toward_zero_unlike_python_floor_division() -> None:
    assert (trunc_div(-7, 2), -7 // 2) == (-3, -4)
    assert (trunc_div(7, -2), trunc_div(-7, -2)) == (-3, 3)


def test_div_euclid_keeps_the_remainder_non_negative_for_a_negative_divisor() -> None:
    assert (div_euclid(7, -2), 7 // -2) == (-3, -4)
    assert (div_euclid(-7, -2), div_euclid(-7, 2)) == (4, -4)


def test_narrowing_fails_instead_of_wrapping() -> None:
    # perp_engine math.rs: narrowing_fails_instead_of_wrapping.
    with pytest.raises(MathOverflow):
        to_i64(1 << 63)
    with pytest.raises(MathOverflow):
        to_u64(-1)
    with pytest.raises(MathOverflow):
        apply_delta(5, -6)
    assert apply_delta(5, -5) == 0


def test_a_non_positive_divisor_is_a_panic_as_in_the_rust_debug_build() -> None:
    with pytest.raises(EnginePanic):
        ceil_div(1, 0)
    with pytest.raises(EnginePanic):
        floor_div(1, -1)
