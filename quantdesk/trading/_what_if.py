"""What a ticket tells the trader beyond the simulation: what the order does to
their position, how far its liquidation price is, and for an order that rests
(limit, stop-loss, take-profit) what its fill would cost once its price is
reached, computed with the engine's own settlement on a copy of the state.

A resting order's simulation only places it (no fill, no fee, no margin), yet a
trader deciding on it needs the margin, fee and liquidation price it will have;
the engine mirror gives them exactly, at the price the keeper would fill it at.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from quantdesk.exchange._markets import MarketSpec
from quantdesk.exchange._views import usd, whole
from quantdesk.exchange.engine import ProgramError, State
from quantdesk.exchange.engine._events import OrderFilled
from quantdesk.exchange.engine._execution import classify, execute
from quantdesk.exchange.engine._pricing import fill_price
from quantdesk.exchange.engine._settlement import Fill, settle_funding
from quantdesk.exchange.engine._state import Position, Side

Effect = Literal["opens", "adds", "reduces", "closes"]
_PCT = Decimal("0.01")


def position_effect(position: Position | None, buy: bool, size: int) -> Effect:
    """What a fill of ``size`` on side ``buy`` does to the position (the program never flips one)."""
    if position is None:
        return "opens"
    if (position.base > 0) == buy:
        return "adds"
    return "closes" if size >= abs(position.base) else "reduces"


def distance_pct(reference: Decimal | None, other: Decimal | None) -> Decimal | None:
    """|other − reference| as a percent of reference (2 decimals), e.g. a liquidation price's distance."""
    if reference is None or other is None or reference <= 0:
        return None
    return (abs(other - reference) / reference * 100).quantize(_PCT)


def signed_distance_pct(reference: Decimal, other: Decimal) -> Decimal:
    """(other − reference) as a percent of reference: negative below it."""
    return ((other - reference) / reference * 100).quantize(_PCT)


def position_facts(spec: MarketSpec, position: Position | None, collateral: int, buy: bool, size: int,
                   leverage_given: bool) -> dict[str, Any]:
    """The ticket detail a card needs about the trader's account before the order."""
    return {"effect": position_effect(position, buy, size), "leverage_defaulted": not leverage_given,
            "free_collateral_usd": str(usd(collateral)),
            "position_before": None if position is None else str(whole(position.base, spec.base_decimals))}


def resting_fill(state: State, owner: bytes, spec: MarketSpec, *, buy: bool, size: int, kind: str, price: int,
                 trigger: int, leverage: int, reduce_only: bool) -> dict[str, str] | None:
    """The fill a resting order would get once triggered, on today's account: a limit at its
    price as maker, a stop-loss / take-profit at the taker price at its trigger. ``None`` when
    the engine would refuse that fill on today's account (say, not enough free collateral)."""
    user = state.user(owner)
    market = state.markets[spec.index]
    if user is None or state.exchange is None:
        return None
    side = Side.BUY if buy else Side.SELL
    maker = kind == "limit"
    at = price if maker else fill_price(market.params, side, trigger)
    try:
        effect = classify(user, market.index, side, size, reduce_only)
        exchange, user, _ = settle_funding(state.exchange, market, user)
        _, _, after, events = execute(exchange, market, user, Fill(side, size, at, maker, None, leverage),
                                      effect, at)
    except ProgramError:
        return None
    fill = next(e for e in events if isinstance(e, OrderFilled))
    liq = fill.liquidation_price
    return {"fill_price": str(usd(at)), "fee_usd": str(usd(fill.fee)),
            "notional_usd": str(Decimal(size * at).scaleb(-spec.base_decimals - 6)),
            "margin_after_usd": str(usd(fill.position_margin)),
            "liquidation_price": str(usd(liq)) if liq > 0 else None,  # type: ignore[dict-item]
            "realized_pnl_usd": str(usd(fill.realized_pnl)),
            "free_collateral_after_usd": str(usd(after.collateral))}
