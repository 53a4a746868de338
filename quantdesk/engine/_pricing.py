"""Where orders meet the price grid: the vault's fill price around the oracle, tick
and lot rounding, and bounds. Every rounding favours the vault (the taker's
counterparty), never the trader."""

from __future__ import annotations

from quantdesk.engine._errors import (
    EnginePanic,
    InvalidPrice,
    MathOverflow,
    OrderSizeBelowLot,
    SlippageExceeded,
)
from quantdesk.engine._math import I64_MAX, MAX_PRICE, PPM, ceil_div, div_euclid, floor_div, to_i64
from quantdesk.engine._state import MarketParams, Side

__all__ = ["check_price", "check_slippage", "fill_price", "round_order_price", "round_size", "within_bound"]


def fill_price(params: MarketParams, side: Side, oracle_price: int) -> int:
    """The vault's price for a taker: oracle × (1 ± spread), rounded to the tick against
    the taker (up for a buy, down for a sell) in one rounding step; ``InvalidPrice``
    when a sell rounds to zero or below."""
    tick = params.tick_size
    spread = params.spread_ppm
    if side is Side.BUY:
        price = ceil_div(oracle_price * (PPM + spread), PPM * tick) * tick
    else:
        price = floor_div(oracle_price * (PPM - spread), PPM * tick) * tick
    if price <= 0:
        raise InvalidPrice(value=price)
    return to_i64(price)


def round_order_price(params: MarketParams, side: Side, price: int) -> int:
    """Rounds a trader's limit or bound to the tick so the order never fills worse than
    asked: a buy's price down, a sell's up."""
    tick = params.tick_size
    if side is Side.BUY:
        return div_euclid(price, tick) * tick
    return div_euclid(price + tick - 1, tick) * tick


def check_price(price: int, required: bool) -> None:
    """``0 < price ≤ MAX_PRICE`` when required, ``0 ≤ price ≤ MAX_PRICE`` when 0 means none."""
    lowest = 1 if required else 0
    if price < lowest or price > MAX_PRICE:
        raise InvalidPrice(value=price)


def round_size(params: MarketParams, size: int) -> int:
    """Rounds a size down to whole lots (never more than asked)."""
    if params.lot_size == 0:
        raise EnginePanic("size modulo a zero lot size")
    rounded = size - size % params.lot_size
    if rounded == 0:
        raise OrderSizeBelowLot(limit=params.lot_size, value=size)
    if rounded > I64_MAX:
        raise MathOverflow()
    return rounded


def within_bound(side: Side, fill: int, bound: int) -> bool:
    """True when ``fill`` is at least as good for the trader as ``bound``."""
    return fill <= bound if side is Side.BUY else fill >= bound


def check_slippage(side: Side, fill: int, bound: int) -> None:
    """Enforces an optional worst acceptable price (0 = none)."""
    if bound != 0 and not within_bound(side, fill, bound):
        raise SlippageExceeded(limit=bound, value=fill)
