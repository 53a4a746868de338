"""What a trader asked for, in their units (Decimal, as typed), and how it maps
to the program's integers. Conversions refuse what they cannot represent exactly
instead of rounding a trader's number silently."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Literal

from quantdesk.errors import QuantDeskError
from quantdesk.exchange._markets import MarketSpec

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


def base_units(spec: MarketSpec, size: Decimal) -> int:
    """Whole units → base units; must be a positive multiple of the lot."""
    scaled = size.scaleb(spec.base_decimals)
    lot = Decimal(spec.lot_size).scaleb(-spec.base_decimals)
    if scaled != scaled.to_integral_value() or int(scaled) % spec.lot_size:
        raise TradeRequestError(f"{spec.symbol} trades in lots of {lot.normalize():f}; {size} is not a multiple "
                                f"(try {(size // lot * lot).normalize():f})")
    if int(scaled) <= 0:
        raise TradeRequestError(f"the size must be at least one lot ({lot.normalize():f})")
    return int(scaled)


def size_for_notional(spec: MarketSpec, notional: Decimal, price: int) -> int:
    """The largest lot-multiple size whose notional at ``price`` (1e-6 USD) is ≤ ``notional``."""
    units = (notional * Decimal(10) ** spec.base_decimals / Decimal(price).scaleb(-6)).to_integral_value(ROUND_FLOOR)
    size = int(units) - int(units) % spec.lot_size
    if size <= 0:
        lot_usd = Decimal(spec.lot_size * price).scaleb(-spec.base_decimals - 6)
        raise TradeRequestError(f"${notional} is less than one lot of {spec.symbol} (about ${lot_usd:.2f})")
    return size


def price_units(value: Decimal) -> int:
    """USD → 10^-6 USD, exactly."""
    scaled = value.scaleb(6)
    if scaled != scaled.to_integral_value() or scaled <= 0:
        raise TradeRequestError(f"price {value} must be positive with at most 6 decimals")
    return int(scaled)


def leverage_value(spec: MarketSpec, leverage: Decimal | None) -> int:
    if leverage is None:
        return DEFAULT_LEVERAGE
    if leverage != leverage.to_integral_value():
        raise TradeRequestError(f"leverage must be a whole number (got {leverage}x)")
    if not 1 <= int(leverage) <= spec.max_leverage:
        raise TradeRequestError(f"leverage must be between 1x and {spec.symbol}'s max {spec.max_leverage}x "
                                f"(got {leverage}x)")
    return int(leverage)


def slippage_bound(spec: MarketSpec, oracle: int, buy: bool, bps: int) -> int:
    """Worst acceptable fill price ``bps`` away from the oracle, on the tick, in the trader's favour."""
    factor = Decimal(10_000 + bps if buy else 10_000 - bps) / 10_000
    raw = Decimal(oracle) * factor / spec.tick_size
    ticks = raw.to_integral_value(ROUND_FLOOR if buy else ROUND_CEILING)
    return int(ticks) * spec.tick_size
