"""What a ticket tells the trader beyond the simulation, for the cards and panels
that show it: the account before the order (free collateral, the position, whether
the leverage was the default), what the order does to the position, and how far
its liquidation price is from its (expected or hypothetical) fill."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from quantdesk.engine import Position
from quantdesk.exchange import MarketSpec, whole
from quantdesk.tickets import SimulatedOutcome
from quantdesk.units import usd

Effect = Literal["opens", "adds", "reduces", "closes"]
_PCT = Decimal("0.01")


def position_effect(position: Position | None, buy: bool, size: int) -> Effect:
    """What a fill of ``size`` on side ``buy`` does to the position (the program never flips one)."""
    if position is None:
        return "opens"
    if (position.base > 0) == buy:
        return "adds"
    return "closes" if size >= abs(position.base) else "reduces"


def position_facts(spec: MarketSpec, position: Position | None, collateral: int, buy: bool, size: int,
                   leverage_given: bool) -> dict[str, Any]:
    """The ticket detail about the trader's account before the order."""
    return {"effect": position_effect(position, buy, size), "leverage_defaulted": not leverage_given,
            "free_collateral_usd": str(usd(collateral)),
            "position_before": None if position is None else str(whole(position.base, spec.base_decimals))}


def distance_pct(reference: Decimal | None, other: Decimal | None) -> Decimal | None:
    """|other − reference| as a percent of reference (2 decimals)."""
    if reference is None or other is None or reference <= 0:
        return None
    return (abs(other - reference) / reference * 100).quantize(_PCT)


def with_liquidation_distance(outcome: SimulatedOutcome) -> SimulatedOutcome:
    """The outcome with ``liquidation_distance_pct``: its liquidation price's distance from its fill."""
    distance = distance_pct(outcome.fill_price, outcome.liquidation_price)
    return outcome.model_copy(update={"detail": {**outcome.detail, "liquidation_distance_pct":
                                                 None if distance is None else str(distance)}})
