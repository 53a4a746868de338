"""Fixed point ↔ Decimal: the one place a program integer becomes a number people read, and back.

The program keeps money and prices in 10^-6 USD (``USD_DECIMALS``), sizes in a market's
base units (``MarketSpec.base_decimals``), fees and margins in parts per million and
funding rates in 10^-9 per interval. Each function here is exact in both directions:
integer → Decimal never rounds (``scaleb`` only moves the exponent), and Decimal → integer
refuses a value with more decimals than the unit has instead of rounding a trader's number.

Scaling back goes through ``Fraction``, not Decimal arithmetic: Decimal rounds to 28
significant digits, which would turn "0.0100000000000000000000000000001" into a whole
unit. The engine mirror keeps its own integer-only math and never imports this module.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from quantdesk.errors import QuantDeskError

__all__ = [
    "FUNDING_PCT_DECIMALS",
    "PPM_PCT_DECIMALS",
    "USD",
    "USD_DECIMALS",
    "TooPrecise",
    "from_units",
    "notional_usd",
    "plain",
    "ppm_bps",
    "ppm_pct",
    "size_for_usd",
    "to_units",
    "usd",
    "usd_units",
]

USD_DECIMALS = 6  # program money and prices: 10^-6 USD (USDC has 6 decimals)
USD = Decimal(1).scaleb(-USD_DECIMALS)  # one program money unit, as a quantum
PPM_PCT_DECIMALS = 4  # parts per million → percent
FUNDING_PCT_DECIMALS = 7  # funding rate in 10^-9 per interval → percent


class TooPrecise(QuantDeskError, ValueError):
    """A value has more decimals than the unit it is converted to can hold."""

    def __init__(self, value: Decimal, decimals: int) -> None:
        super().__init__(f"{value} has more than {decimals} decimals")
        self.value = value
        self.decimals = decimals


def from_units(units: int, decimals: int) -> Decimal:
    """``units`` × 10^-decimals, exactly: ``from_units(1_500_000_000, 9)`` is 1.500000000."""
    return Decimal(units).scaleb(-decimals)


def plain(units: int, decimals: int) -> Decimal:
    """:func:`from_units` without trailing zeros or an exponent: 2000000000 at 9 decimals -> 2."""
    return Decimal(format(from_units(units, decimals).normalize(), "f"))


def to_units(value: Decimal, decimals: int) -> int:
    """``value`` × 10^decimals as an integer, exactly; :class:`TooPrecise` if it is not whole there.

    Callers check the magnitude first when the value comes from a person ("1E+999999999"
    would otherwise build an enormous integer)."""
    scaled = Fraction(value) * 10**decimals
    if scaled.denominator != 1:
        raise TooPrecise(value, decimals)
    return int(scaled.numerator)


def usd(units: int) -> Decimal:
    """Program money or a price (10^-6 USD) in dollars: 150_000_000 -> 150.000000."""
    return from_units(units, USD_DECIMALS)


def usd_units(dollars: Decimal | int) -> int:
    """Dollars (at most 6 decimals) in program money units: 10 -> 10_000_000."""
    return to_units(Decimal(dollars), USD_DECIMALS)


def notional_usd(base_units: int, base_decimals: int, price: int) -> Decimal:
    """A size (base units) times a price (10^-6 USD) in dollars, exactly: 10 SOL at $150 -> 1500."""
    return from_units(base_units * price, base_decimals + USD_DECIMALS)


def size_for_usd(dollars: Decimal, base_decimals: int, price: int) -> int:
    """The most base units whose notional at ``price`` (10^-6 USD, positive) is at most
    ``dollars`` (not negative), exactly: $1000 at $150 with 9 decimals -> 6_666_666_666.

    The inverse of :func:`notional_usd`, rounded down (a size never costs more than asked).
    Callers check the magnitude first, as for :func:`to_units`."""
    return int(Fraction(dollars) * 10 ** (base_decimals + USD_DECIMALS) / price)


def ppm_pct(ppm: int) -> Decimal:
    """Parts per million as percent: 50_000 -> 5."""
    return from_units(ppm, PPM_PCT_DECIMALS)


def ppm_bps(ppm: int) -> Decimal:
    """Parts per million as basis points: 500 -> 5."""
    return from_units(ppm, 2)
