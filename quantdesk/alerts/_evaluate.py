"""Evaluating alerts on price events: price crossings from the event itself,
liquidation distance from the trader's positions at that price. Order alerts
fire on fill/trigger events of the paper venue (see ``on_order_events``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal

from quantdesk.alerts._store import Alert, AlertStore
from quantdesk.market import PriceEvent
from quantdesk.markets import MARKET_TABLE, MarketTable

LiquidationLookup = Callable[[str, str], Awaitable[Decimal | None]]  # (user, market) -> liquidation price
# (user, order id or None for any, since) -> a description of the first fill/trigger since then, or None
FillLookup = Callable[[str, str | None, datetime], Awaitable[str | None]]


async def on_price(store: AlertStore, event: PriceEvent, now: datetime,
                   liquidation_price: LiquidationLookup | None = None,
                   markets: MarketTable = MARKET_TABLE) -> list[Alert]:
    """Fire every alert this price satisfies; returns those fired now."""
    price = event.update.value
    feed_of = markets.feeds  # SOL-PERP -> SOL/USD
    fired: list[Alert] = []
    for alert in store.active(kind="price_cross"):
        if feed_of.get(alert.market or "") != event.symbol or alert.level is None:
            continue
        crossed = price >= alert.level if alert.direction == "above" else price <= alert.level
        if crossed and store.trigger(alert, f"Alert {alert.describe()}: {alert.market} is at {price}.", now):
            fired.append(alert)
    if liquidation_price is not None:
        for alert in store.active(kind="liquidation_distance"):
            market = alert.market or next((m for m, f in feed_of.items() if f == event.symbol), None)
            if market is None or feed_of.get(market) != event.symbol or alert.threshold_pct is None:
                continue
            liq = await liquidation_price(alert.user_id, market)
            if liq is None or price <= 0:
                continue
            distance = abs(price - liq) / price * 100
            if distance < alert.threshold_pct and store.trigger(
                    alert, f"Alert {alert.describe()}: {market} at {price} is {distance:.2f}% from your liquidation "
                           f"price {liq}.", now):
                fired.append(alert)
    return fired


async def on_order_events(store: AlertStore, fills: FillLookup, now: datetime) -> list[Alert]:
    """Fire order alerts whose order (or any order) filled or triggered after the alert was set."""
    fired: list[Alert] = []
    for alert in store.active(kind="order_event"):
        if alert.created_at is None:
            continue
        what = await fills(alert.user_id, alert.order_id, alert.created_at)
        if what is not None and store.trigger(alert, f"Alert {alert.describe()}: {what}.", now):
            fired.append(alert)
    return fired
