"""quantdesk.units: program integers ↔ Decimal, exact both ways."""

from __future__ import annotations

import ast
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

from quantdesk.errors import QuantDeskError
from quantdesk.markets import market_by_symbol
from quantdesk.units import (
    TooPrecise,
    from_units,
    notional_usd,
    plain,
    ppm_bps,
    ppm_pct,
    size_for_usd,
    to_units,
    usd,
    usd_units,
)

ROOT = Path(__file__).resolve().parents[2]


def test_program_money_reads_as_dollars_without_rounding() -> None:
    assert usd(150_045_000) == Decimal("150.045000")
    assert usd(-1) == Decimal("-0.000001")
    assert plain(2_000_000_000, 9) == Decimal(2) and str(plain(2_000_000_000, 9)) == "2"


def test_dollars_become_program_money_exactly() -> None:
    assert usd_units(Decimal("150.045")) == 150_045_000
    assert usd_units(10_000) == 10_000_000_000
    # Decimal arithmetic would round this (28 digits) to a whole unit; the conversion does not.
    with pytest.raises(TooPrecise, match="more than 6 decimals"):
        usd_units(Decimal("0.0100000000000000000000000000001"))


def test_too_many_decimals_is_a_project_error_naming_the_value() -> None:
    with pytest.raises(QuantDeskError, match=r"1\.0000000001 has more than 9 decimals"):
        to_units(Decimal("1.0000000001"), 9)


def test_round_trips_are_exact() -> None:
    for units, decimals in ((1, 9), (123_456_789_012, 8), (-5, 6), (0, 0)):
        assert to_units(from_units(units, decimals), decimals) == units


def test_parts_per_million_read_as_percent_and_bps() -> None:
    assert ppm_pct(50_000) == 5 and ppm_bps(500) == 5


def test_a_market_carries_the_precision_of_its_prices_and_sizes() -> None:
    sol = market_by_symbol("SOL-PERP")
    assert (sol.tick, sol.price_places, sol.lot, sol.size_places) == (Decimal("0.001"), 3, Decimal("0.01"), 2)
    assert sol.size(1_500_000_000) == Decimal("1.5")
    btc = market_by_symbol("BTC-PERP")
    assert (btc.price_places, btc.size_places) == (1, 4)


def test_a_size_times_a_price_is_dollars_and_back_without_rounding_up() -> None:
    assert notional_usd(10_000_000_000, 9, 150_000_000) == Decimal(1500)
    assert notional_usd(1, 9, 1) == Decimal("1E-15")  # one base unit at one price unit: exact, not 0
    assert size_for_usd(Decimal(1000), 9, 150_000_000) == 6_666_666_666  # rounded down, never costs more
    assert size_for_usd(Decimal(1500), 9, 150_000_000) == 10_000_000_000
    # 28-digit Decimal arithmetic would make this a whole extra unit; exact arithmetic does not.
    assert size_for_usd(Decimal("0.0000009999999999999999999999999999"), 0, 1) == 0


# A fixed-point scale written by hand: the decimals of program money (6), funding (9, 7 as
# percent) or a market's base units. Outside these files it is spelled with quantdesk.units.
_SCALE_HOMES = ("quantdesk/units.py", "quantdesk/markets.py", "quantdesk/engine/")
_SCALE_EXPONENTS = {6, 7, 9}
_UNIT_FUNCTIONS = {"from_units", "to_units", "plain", "units"}


def _mentions_decimals(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Name) and "decimals" in n.id.lower()
               or isinstance(n, ast.Attribute) and "decimals" in n.attr.lower() for n in ast.walk(node))


def _constant_ints(node: ast.AST) -> set[int]:
    found = {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and type(n.value) is int}
    return found | {-v for v in found}


def _is_scale(value: object) -> bool:
    """10^±6 or 10^±9, as an int, float or decimal string ("0.000001", "1e6", "1_000_000")."""
    try:
        d = Decimal(str(value).replace("_", "")) if isinstance(value, int | float | str) else None
    except InvalidOperation:
        return False
    if d is None or not d.is_finite() or d <= 0 or isinstance(value, bool):
        return False
    return d.normalize().as_tuple().digits == (1,) and abs(d.adjusted()) in _SCALE_EXPONENTS


def _hand_written_scales(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        what = None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow) and isinstance(
                node.left, ast.Constant) and node.left.value == 10 and (
                _mentions_decimals(node.right) or _constant_ints(node.right) & _SCALE_EXPONENTS):
            what = "10 ** decimals"
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult | ast.Div | ast.FloorDiv | ast.Mod) and any(
                isinstance(side, ast.Constant) and _is_scale(side.value) for side in (node.left, node.right)):
            what = "a scale constant in arithmetic"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "scaleb" and (
                any(_mentions_decimals(a) or _constant_ints(a) for a in node.args)):
            what = "scaleb by the unit's decimals"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Decimal" and any(
                isinstance(a, ast.Constant) and isinstance(a.value, str) and _is_scale(a.value) for a in node.args):
            what = "a Decimal scale"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute) and (
                node.func.id if isinstance(node.func, ast.Name) else node.func.attr) in _UNIT_FUNCTIONS and any(
                isinstance(a, ast.Constant) and type(a.value) is int for a in node.args[1:]):
            what = "decimals as a number (name the unit: USD_DECIMALS, ...)"
        if what:
            found.append(f"line {node.lineno}: {what}: {ast.unparse(node)}")  # type: ignore[attr-defined]
    return found


def test_no_module_writes_a_fixed_point_scale_by_hand() -> None:
    offenders = []
    for folder in ("quantdesk", "tools", "agent", "interfaces", "knowledge"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if not name.startswith(_SCALE_HOMES):
                offenders += [f"{name} {hit}" for hit in _hand_written_scales(path.read_text())]
    assert offenders == []


@pytest.mark.parametrize("source", [
    "x = units * 10 ** 6", "x = Fraction(size) * 10**spec.base_decimals", "x = price // 1_000_000",
    "x = amount / 1e6", "MICRO = Decimal('0.000001')", "x = Decimal(n).scaleb(-6)",
    "x = Decimal(n).scaleb(-spec.base_decimals - 6)", "x = Decimal(rate).scaleb(-7)", "x = v * 10**(d + 6)",
    "x = from_units(n, 6)", "x = units.to_units(v, 9)", "x = rate / 1_000_000_000", "x = Decimal('1E-6') * v",
])
def test_the_scale_guard_sees_a_hand_written_scale(source: str) -> None:
    assert _hand_written_scales(source), source


@pytest.mark.parametrize("source", [
    "x = usd(units)", "x = from_units(n, USD_DECIMALS)", "x = Field(1.0, le=1_000_000)", "x = usd_units(1_000_000)",
    "x = v * 10_000", "LIMIT = 10**12", "x = Decimal(1).scaleb(-places)", "x = Decimal(v).scaleb(expo)",
    "x = price * 10 ** (expo - target)",
])
def test_the_scale_guard_lets_named_units_and_plain_numbers_pass(source: str) -> None:
    assert _hand_written_scales(source) == [], source
