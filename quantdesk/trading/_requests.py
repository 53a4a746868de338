"""What a trader asked for, in their units (Decimal, as typed), and how it maps
to the program's integers. Conversions refuse what they cannot represent exactly
instead of rounding a trader's number silently, and refuse what does not fit the
program's integer fields (with the limit in the trader's units) instead of letting
the instruction encoder fail.

Scaling goes through ``Fraction`` (quantdesk.units), not Decimal arithmetic: Decimal rounds to 28
significant digits, which would turn "0.0100000000000000000000000000001" into a
whole lot. Each conversion checks the magnitude first, so the exact integers stay
small whatever exponent a tool call carries ("1E-999999999").
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from fractions import Fraction
from typing import Literal

from quantdesk.engine import I64_MAX, MAX_PRICE, U64_MAX
from quantdesk.errors import QuantDeskError
from quantdesk.exchange import MarketSpec, whole
from quantdesk.units import USD, USD_DECIMALS, TooPrecise, notional_usd, size_for_usd, to_units, usd, usd_units

OrderType = Literal["market", "limit", "stop_loss", "take_profit"]
DEFAULT_LEVERAGE = 3
DEFAULT_SLIPPAGE_BPS = 50


class TradeRequestError(QuantDeskError):
    """The request cannot become an order as given (the message says what to change)."""


@dataclass(frozen=True)
class OrderRequest:
    market: str
    side: Literal["long", "short"] | None
    order_type: OrderType = "market"
    size: Decimal | None = None
    notional_usd: Decimal | None = None
    leverage: Decimal | None = None
    price: Decimal | None = None
    reduce_only: bool = False
    whole_position: bool = False
    slippage_bps: int | None = None


# 10^±30 is past every limit of the program's 64-bit fields (a u64 has 20 digits): a value beyond is
# refused (or is below one unit) before exact arithmetic, which would otherwise build enormous integers.
_MAX_DIGITS = 30


def base_name(spec: MarketSpec) -> str:
    """The market's base asset as a trader says it: SOL for SOL-PERP."""
    return spec.symbol.removesuffix("-PERP")


def max_size(spec: MarketSpec) -> int:
    """The largest order size in base units. The field is u64, but the program refuses
    a lot-rounded size past i64 (positions are i64): MathOverflow."""
    return I64_MAX - I64_MAX % spec.lot_size


def _too_large(spec: MarketSpec, asked: str) -> TradeRequestError:
    most = whole(max_size(spec), spec.base_decimals)
    return TradeRequestError(f"size must be at most {most:,f} {base_name(spec)} (the largest {spec.symbol} order "
                             f"the program can hold); {asked} is more")


def base_units(spec: MarketSpec, size: Decimal) -> int:
    """Whole units → base units; must be a positive multiple of the lot, at most :func:`max_size`."""
    lot = whole(spec.lot_size, spec.base_decimals)
    if size > whole(max_size(spec), spec.base_decimals):
        raise _too_large(spec, f"{size} {base_name(spec)}")
    if size < lot:
        raise TradeRequestError(f"the size must be at least one lot ({lot:f} {base_name(spec)}); got {size}")
    try:
        units = to_units(size, spec.base_decimals)
    except TooPrecise:
        units = -1  # finer than a base unit: not a multiple of the lot either
    if units < 0 or units % spec.lot_size:
        raise TradeRequestError(f"{spec.symbol} trades in lots of {lot:f}; {size} is not a multiple "
                                f"(try {(size // lot * lot).normalize():f})")
    return units


def size_for_notional(spec: MarketSpec, notional: Decimal, price: int) -> int:
    """The largest lot-multiple size whose notional at ``price`` (1e-6 USD) is ≤ ``notional``."""
    lot_usd = notional_usd(spec.lot_size, spec.base_decimals, price)
    if notional.adjusted() >= _MAX_DIGITS:
        raise _too_large(spec, f"${notional}")
    units = 0 if notional < lot_usd else size_for_usd(notional, spec.base_decimals, price)
    size = units - units % spec.lot_size
    if size <= 0:
        raise TradeRequestError(f"${notional} is less than one lot of {spec.symbol} (about ${lot_usd:.2f})")
    if size > max_size(spec):
        size_text = f"{whole(size, spec.base_decimals):,f} {base_name(spec)}"
        raise _too_large(spec, f"${notional} ({size_text} at {price_text(price)})")
    return size


def fraction_units(spec: MarketSpec, held: int, fraction: Decimal) -> int:
    """``fraction`` (0 < f < 1) of a position of ``held`` base units, rounded down to the lot, exactly."""
    tiny = fraction.adjusted() < -_MAX_DIGITS
    units = 0 if tiny else int(Fraction(held) * Fraction(fraction)) // spec.lot_size * spec.lot_size
    if units <= 0:
        raise TradeRequestError(f"{fraction:%} of the position is less than one lot")
    return units


def price_text(units: int) -> str:
    """10^-6 USD as a trader writes it: 150000000 -> $150."""
    return f"${usd(units).normalize():,f}"


def _micro_units(value: Decimal, what: str, most: int) -> int:
    """USD → 10^-6 USD, exactly: positive, at most 6 decimals, at most ``most`` units."""
    if value > usd(most):
        raise TradeRequestError(f"{what} must be at most {price_text(most)} (the program's limit); got {value}")
    try:
        units = usd_units(value) if value >= USD else 0  # below one unit: no exact integer to build
    except TooPrecise:
        units = 0
    if units <= 0:
        raise TradeRequestError(f"{what} {value} must be positive with at most {USD_DECIMALS} decimals")
    return units


def price_units(value: Decimal) -> int:
    """A limit or trigger price, USD → 10^-6 USD, exactly, within the program's ``[1, MAX_PRICE]``."""
    return _micro_units(value, "price", MAX_PRICE)


def limit_price_units(spec: MarketSpec, value: Decimal) -> int:
    """A limit price on the market's tick: the program would round any other price
    (a buy down, a sell up), so the ticket would show a price the order does not rest at."""
    units = price_units(value)
    if units % spec.tick_size:
        below = units - units % spec.tick_size
        raise TradeRequestError(f"{spec.symbol} prices are in ticks of {price_text(spec.tick_size)}; {value} is not "
                                f"on a tick (try {price_text(below)} or {price_text(below + spec.tick_size)})")
    return units


def usdc_units(amount: Decimal) -> int:
    """A USDC amount (6 decimals) → base units, within the program's u64."""
    return _micro_units(amount, "amount", U64_MAX)


def leverage_value(spec: MarketSpec, leverage: Decimal | None) -> int:
    if leverage is None:
        return DEFAULT_LEVERAGE
    # The range first: int() of "1E+999999999" would build a huge integer.
    if not 1 <= leverage <= spec.max_leverage:
        raise TradeRequestError(f"leverage must be between 1x and {spec.symbol}'s max {spec.max_leverage}x "
                                f"(got {leverage}x)")
    if leverage != leverage.to_integral_value():
        raise TradeRequestError(f"leverage must be a whole number (got {leverage}x)")
    return int(leverage)


def slippage_bound(spec: MarketSpec, oracle: int, buy: bool, bps: int) -> int:
    """Worst acceptable fill price ``bps`` away from the oracle, on the tick, in the trader's favour."""
    factor = Decimal(10_000 + bps if buy else 10_000 - bps) / 10_000
    raw = Decimal(oracle) * factor / spec.tick_size
    ticks = raw.to_integral_value(ROUND_FLOOR if buy else ROUND_CEILING)
    return int(ticks) * spec.tick_size
