"""Steps shared by every instruction that trades: the pause gate, deciding whether an
order opens or reduces, and executing the fill."""

from __future__ import annotations

from dataclasses import dataclass, replace

from quantdesk.engine._errors import ExchangePaused, MarketPaused, ReduceOnlyWouldIncrease, WouldFlipPosition
from quantdesk.engine._events import Event
from quantdesk.engine._settlement import Fill, increase, reduce
from quantdesk.engine._state import Exchange, Market, Side, User

__all__ = ["INCREASE", "Effect", "classify", "ensure_trading_open", "execute"]


def ensure_trading_open(exchange: Exchange, market: Market) -> None:
    """Trading, funding and liquidation need both the exchange and the market running."""
    if exchange.paused:
        raise ExchangePaused()
    if market.paused:
        raise MarketPaused(value=market.index)


@dataclass(frozen=True, slots=True)
class Effect:
    """What a fill does to the trader's position: opens or grows it (``reduce`` None),
    or reduces the opposite position by ``reduce`` base units (≤ its size)."""

    reduce: int | None


INCREASE = Effect(reduce=None)


def classify(user: User, market_index: int, side: Side, size: int, reduce_only: bool) -> Effect:
    """A reduce-only order needs an opposite position and is clamped to its size; any
    other order may not be larger than an opposite position (no flips in one order)."""
    base = user.position_base(market_index)
    opposite = base != 0 and ((base > 0) - (base < 0)) != side.sign
    held = abs(base)
    if not opposite:
        if reduce_only:
            raise ReduceOnlyWouldIncrease()
        return INCREASE
    if reduce_only:
        return Effect(reduce=min(size, held))
    if size > held:
        raise WouldFlipPosition(limit=held, value=size)
    return Effect(reduce=size)


def execute(
    exchange: Exchange, market: Market, user: User, fill: Fill, effect: Effect, oracle_price: int
) -> tuple[Exchange, Market, User, list[Event]]:
    """Executes a fill with the effect ``classify`` decided. Funding must be settled first."""
    if effect.reduce is None:
        return increase(exchange, market, user, fill, oracle_price)
    return reduce(exchange, market, user, replace(fill, size=effect.reduce))
