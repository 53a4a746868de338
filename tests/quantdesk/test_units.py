"""quantdesk.units: program integers ↔ Decimal, exact both ways."""

from __future__ import annotations

from decimal import Decimal

import pytest

from quantdesk.errors import QuantDeskError
from quantdesk.markets import market_by_symbol
from quantdesk.units import TooPrecise, from_units, plain, ppm_bps, ppm_pct, to_units, usd, usd_units


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
