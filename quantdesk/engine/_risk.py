"""Position valuation and margin: the formulas that decide whether a position may
grow, must be liquidated, and at which oracle price that happens.

Every quantity is rounded against the trader where it is computed: a position's
value ``floor(base × price / 10^decimals)`` is never overstated for a long nor a
short's liability understated; requirements round up; funding owed rounds up
(paid rounded up, received rounded down).
"""

from __future__ import annotations

from collections.abc import Callable

from quantdesk.engine._math import (
    FUNDING_RATE_SCALE,
    I64_MAX,
    I64_MIN,
    MAX_PRICE,
    PPM,
    ceil_div,
    checked_mul_i128,
    floor_div,
    mul,
    pow10,
    trunc_div,
    unchecked_i128,
)
from quantdesk.engine._state import Market, MarketParams, Position

__all__ = [
    "base_unit",
    "equity",
    "fill_notional",
    "is_liquidatable",
    "liquidation_price",
    "margin_surplus",
    "pending_funding",
    "requirement",
    "value",
]


def base_unit(params: MarketParams) -> int:
    """10^base_decimals: base units per whole base unit."""
    return pow10(params.base_decimals)


def value(base: int, price: int, unit: int) -> int:
    """Signed mark-to-market value of ``base`` at ``price``, rounded down."""
    return floor_div(base * price, unit)


def fill_notional(size: int, price: int, unit: int) -> int:
    """Unsigned notional of a fill, rounded up: the base of fees and of locked margin."""
    return ceil_div(size * price, unit)


def requirement(position_value: int, ratio_ppm: int) -> int:
    """Margin required for a position value at a ratio (initial or maintenance), rounded up."""
    return ceil_div(abs(position_value) * ratio_ppm, PPM)


def pending_funding(position: Position, market: Market) -> int:
    """Funding the position owes since its last settlement; negative when it receives.
    ``MathOverflow`` when ``base × Δindex`` leaves i128."""
    delta = unchecked_i128(market.cumulative_funding - position.last_cumulative_funding, "funding index delta")
    owed = mul(position.base, delta)
    return ceil_div(owed, base_unit(market.params) * FUNDING_RATE_SCALE)


def equity(position: Position, price: int, pending: int, unit: int) -> int:
    """Margin + unrealized PnL − pending funding at ``price``."""
    return position.margin - pending + value(position.base, price, unit) - position.quote_entry


def margin_surplus(position: Position, params: MarketParams, price: int, pending: int, ratio_ppm: int) -> int:
    """``equity − requirement`` at ``price``; negative means under that margin ratio."""
    unit = base_unit(params)
    return equity(position, price, pending, unit) - requirement(value(position.base, price, unit), ratio_ppm)


def is_liquidatable(position: Position, params: MarketParams, price: int, pending: int) -> bool:
    """Equity strictly below the maintenance requirement (exactly at it is safe)."""
    return margin_surplus(position, params, price, pending, params.maintenance_margin_ppm) < 0


def liquidation_price(position: Position, params: MarketParams, pending: int) -> int:
    """The liquidation price on the 10^-6 grid: for a long the highest oracle price at
    which the position is liquidatable, for a short the lowest; 0 if no price in
    [1, MAX_PRICE] liquidates it.

    The search is the Rust one step for step (closed-form guess, gallop, bisect), so
    the answer is the same even where the definition would allow another search.
    """

    def liquidatable(p: int) -> bool:
        return is_liquidatable(position, params, p, pending)

    guess = _closed_form_estimate(position, params, pending)
    if position.base > 0:
        # Liquidatable prices are [1, P]: P is the last price where it holds.
        last = _last_true(liquidatable, guess)
        return 0 if last is None else last
    # Liquidatable prices are [P, MAX_PRICE]: P follows the last safe price.
    safe = _last_true(lambda p: not liquidatable(p), guess)
    if safe is None:
        return 1
    if safe == MAX_PRICE:
        return 0
    return safe + 1


def _closed_form_estimate(position: Position, params: MarketParams, pending: int) -> int:
    """``(q + f − margin)·10^d / (b·(1 − sign·mmr))`` truncated and clamped; 1 when it
    can't be computed."""
    sign = (position.base > 0) - (position.base < 0)
    numerator = checked_mul_i128(position.quote_entry + pending - position.margin, base_unit(params))
    if numerator is not None:
        numerator = checked_mul_i128(numerator, PPM)
    denominator = position.base * (PPM - sign * params.maintenance_margin_ppm)
    if numerator is None or denominator == 0:
        return 1
    return max(1, min(MAX_PRICE, trunc_div(numerator, denominator)))


def _saturating(v: int) -> int:
    return max(I64_MIN, min(I64_MAX, v))


def _last_true(holds: Callable[[int], bool], guess: int) -> int | None:
    """The largest price in [1, MAX_PRICE] where ``holds`` (true up to some price, false
    after it) is true, or None if it is false at 1. Gallops from ``guess`` to bracket
    the boundary, then bisects."""
    if not holds(1):
        return None
    if holds(MAX_PRICE):
        return MAX_PRICE
    # Invariant once bracketed: holds(lo) and not holds(hi).
    step = 1
    if holds(guess):
        lo = guess
        while True:
            nxt = min(_saturating(lo + step), MAX_PRICE)
            if not holds(nxt):
                hi = nxt
                break
            lo = nxt
            step = _saturating(step * 2)
    else:
        hi = guess
        while True:
            nxt = max(_saturating(hi - step), 1)
            if holds(nxt):
                lo = nxt
                break
            hi = nxt
            step = _saturating(step * 2)
    while hi - lo > 1:
        mid = lo + (hi - lo) // 2
        if holds(mid):
            lo = mid
        else:
            hi = mid
    return lo
