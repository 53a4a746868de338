"""Numbers for people: the one place money, prices, sizes and ratios become text.

Values arrive as Decimal (or as the strings a ticket's JSON holds) and leave as
display strings; nothing here feeds back into a calculation. Money has a dollar
sign and thousands separators; a market's prices have exactly the decimals of its
tick (SOL-PERP $0.001, BTC-PERP $0.1, ETH-PERP $0.01), so no raw 6-decimal
engine values reach a screen. Rounding is half-even, to the cent or the tick.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from quantdesk.exchange import MarketSpec, market_by_symbol

__all__ = [
    "as_decimal",
    "bps",
    "money",
    "pct",
    "price",
    "price_places",
    "short_hash",
    "signed_money",
    "size",
]

DASH = "—"


def as_decimal(value: object) -> Decimal | None:
    """A Decimal from a Decimal, int or the string a ticket's JSON holds; None for None/'' or junk."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or isinstance(value, float):  # floats never carry money here
        raise TypeError(f"refusing a {type(value).__name__} as a displayed number")
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _spec(market: str | MarketSpec) -> MarketSpec:
    return market if isinstance(market, MarketSpec) else market_by_symbol(market)


def price_places(market: str | MarketSpec) -> int:
    """Decimals of the market's tick (ticks are 10^-6 USD units, powers of ten)."""
    tick = Decimal(_spec(market).tick_size).scaleb(-6).normalize()
    return max(0, -tick.as_tuple().exponent)  # type: ignore[operator]


def _grouped(value: Decimal, places: int) -> str:
    quantum = Decimal(1).scaleb(-places)
    return f"{abs(value).quantize(quantum, rounding=ROUND_HALF_EVEN):,}"


def money(value: object, *, places: int = 2) -> str:
    """$1,234.56; -$12.00; — for nothing."""
    d = as_decimal(value)
    if d is None:
        return DASH
    text = _grouped(d, places)
    return f"-${text}" if d < 0 and text.strip("0.,") else f"${text}"


def signed_money(value: object) -> str:
    """+$12.34 / -$12.34 / $0.00: for PnL, where the sign is the point."""
    d = as_decimal(value)
    if d is None:
        return DASH
    text = money(d)
    return f"+{text}" if d > 0 and text != "$0.00" else text


def price(market: str | MarketSpec, value: object) -> str:
    """A market price at the market's tick: SOL-PERP $150.123, BTC-PERP $97,123.4."""
    d = as_decimal(value)
    if d is None:
        return DASH
    return money(d, places=price_places(market))


def size(market: str | MarketSpec, value: object) -> str:
    """A size in the market's base asset, as many decimals as its lot and no trailing zeros: 1.5 SOL."""
    d = as_decimal(value)
    if d is None:
        return DASH
    spec = _spec(market)
    lot_places = max(0, -Decimal(spec.lot_size).scaleb(-spec.base_decimals).normalize().as_tuple().exponent)  # type: ignore[operator]
    text = f"{abs(d).quantize(Decimal(1).scaleb(-lot_places)).normalize():,f}"
    return f"{'-' if d < 0 else ''}{text} {spec.symbol.removesuffix('-PERP')}"


def pct(value: object, *, places: int = 1) -> str:
    """12.3% (the value is already in percent)."""
    d = as_decimal(value)
    if d is None:
        return DASH
    return f"{d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN):,}%"


def bps(part: object, whole: object) -> str:
    """``part`` as basis points of ``whole``: a fee of $0.75 on $1,500 is 5.0 bps."""
    p, w = as_decimal(part), as_decimal(whole)
    if p is None or w is None or w == 0:
        return DASH
    return f"{(p / w * 10_000).quantize(Decimal('0.1'), rounding=ROUND_HALF_EVEN)} bps"


def short_hash(ticket_hash: str) -> str:
    """The first 8 and last 4 hex digits: enough to recognise, never to approve with."""
    return f"{ticket_hash[:8]}…{ticket_hash[-4:]}" if len(ticket_hash) > 12 else ticket_hash

