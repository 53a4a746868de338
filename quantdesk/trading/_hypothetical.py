"""The fill a resting order would get: the keeper's ``trigger_order`` replayed on the
pure engine, now.

A resting order's simulation shows only its placement: no fill, so no notional,
fee, margin or liquidation price, and nothing for the risk rules to measure. The
keeper fills it later, with the engine's ``trigger_order``: a limit order as maker
at its own (tick-rounded) limit price, a stop-loss / take-profit as taker at the
vault's price around the oracle once the oracle reaches its trigger. That is
what this module runs, through the engine's public ``apply``, on the trader's
current state with the order added as the placement stored it (its reservation set
aside, as the simulation's ``OrderPlaced`` event reports) and the oracle at the
first price at which the keeper may fill it. The ``OrderFilled`` event it returns
is therefore the keeper's own, field for field, as long as the account does not
change before the fill (another fill, funding, a deposit); execution runs it again
on the state of that moment.

Why the first price rather than the limit itself: a buy limit fills only once the
vault's taker price (oracle plus the spread) is at or under the limit, so the
oracle is then below the limit, never at it. The fill's numbers do not depend on
the oracle; only the program's initial-margin check after an opening fill does,
and at the first price it is the most lenient it will ever be: an order refused
there can never fill (:class:`UnfillableOrder`).

Pure: no I/O, integers in engine units throughout.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from quantdesk.engine import (
    MAX_PRICE,
    PPM,
    PRICE_DECIMALS,
    Err,
    MarketParams,
    OracleInput,
    Order,
    OrderFilled,
    OrderKind,
    OrderPlaced,
    Side,
    State,
    TriggerOrder,
    apply,
    codec,
)
from quantdesk.errors import VenueError

__all__ = ["UnfillableOrder", "first_fill_oracle", "resting_fill"]


class UnfillableOrder(VenueError):
    """The order would rest, but the program would refuse its fill at any price the keeper can fill it at."""

    def __init__(self, message: str, error_name: str) -> None:
        super().__init__(message)
        self.error_name = error_name


def first_fill_oracle(params: MarketParams, order: Order) -> int:
    """The oracle price (engine units) at which the keeper may first fill ``order``.

    A limit fills once the taker price is at or better than its limit: for a buy the
    highest oracle with ``ceil(oracle·(1+spread)/tick)·tick ≤ limit``, for a sell the
    lowest with ``floor(oracle·(1−spread)/tick)·tick ≥ limit`` (the limit is on the
    tick, so both solve exactly). A stop-loss / take-profit triggers at its trigger.
    """
    if order.kind is not OrderKind.LIMIT:
        return order.trigger_price
    if order.side is Side.BUY:
        price = order.price * PPM // (PPM + params.spread_ppm)
    else:
        price = -(-order.price * PPM // (PPM - params.spread_ppm))
    return min(price, MAX_PRICE)


def resting_fill(state: State, placed: Mapping[str, Any]) -> dict[str, Any]:
    """The ``OrderFilled`` event (in the venue's JSON, like a simulation's events) the
    keeper's trigger would emit for the order a simulation placed.

    ``state`` is the exchange before the placement; ``placed`` the simulation's
    ``OrderPlaced`` event (resting). Raises :class:`UnfillableOrder` when the program
    would refuse the fill even at :func:`first_fill_oracle`.
    """
    event = codec.decode_event(dict(placed))
    if not isinstance(event, OrderPlaced) or not event.resting:
        raise ValueError("resting_fill needs the OrderPlaced event of a resting order")
    at = next((i for i, u in enumerate(state.users) if u.owner == event.owner), None)
    if at is None:
        raise ValueError("the order's owner has no trading account in this state")
    order = Order(id=event.order_id, owner=event.owner, market_index=event.market_index, kind=event.kind,
                  side=event.side, size=event.size, price=event.price, trigger_price=event.trigger_price,
                  reduce_only=event.reduce_only, client_order_id=event.client_order_id, leverage=event.leverage,
                  reserved=event.reserved, placed_at=0)
    user = state.users[at]
    # The placement as the program leaves it: the reservation set aside, the order counted and listed.
    placed_user = replace(user, collateral=user.collateral - event.reserved, open_orders=user.open_orders + 1,
                          next_order_id=max(user.next_order_id, event.order_id + 1))
    resting = replace(state, users=state.users[:at] + (placed_user,) + state.users[at + 1:],
                      orders=state.orders + (order,))
    params = state.markets[event.market_index].params
    price = first_fill_oracle(params, order)
    what = f"this {event.kind.value.replace('_', '-')} order would rest, but the program would refuse to fill it"
    if price < 1:
        raise UnfillableOrder(f"{what}: no positive oracle price reaches its price", "OracleInvalidPrice")
    # A fresh, fully verified update with no confidence interval, so the oracle checks pass and what the
    # program decides is the fill alone (``now`` is its publish time).
    oracle = OracleInput(feed_id=params.pyth_feed_id, price=price, conf=0, exponent=-PRICE_DECIMALS,
                         publish_time=0, fully_verified=True)
    outcome = apply(resting, TriggerOrder(owner=event.owner, order_id=event.order_id), oracle, 0)
    if isinstance(outcome, Err):
        raise UnfillableOrder(f"{what} even at the first price it can fill at: {outcome.message}", outcome.name)
    fill = next(e for e in outcome.events if isinstance(e, OrderFilled))
    return codec.encode_event(fill)
