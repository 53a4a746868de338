"""The alert service: follows price events committed by the ingest service
(LISTEN/NOTIFY, any process) and fires alerts. On the paper venue it also knows
each trader's liquidation prices for liquidation-distance alerts."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from decimal import Decimal

from quantdesk.alerts._evaluate import LiquidationLookup, on_price
from quantdesk.alerts._store import AlertStore
from quantdesk.logs import get_logger
from quantdesk.market import PriceEvent

log = get_logger(__name__)


async def run_alerts(events: AsyncIterator[PriceEvent], store: AlertStore, *,
                     liquidation_price: LiquidationLookup | None = None,
                     clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
    """Evaluate every price event until the stream ends."""
    async for event in events:
        for alert in await on_price(store, event, clock(), liquidation_price):
            log.info("alert.fired", alert_id=alert.id, user_id=alert.user_id, kind=alert.kind)


def paper_liquidation_lookup(state_of: Callable[[], object], owner_of: Callable[[str], bytes]) -> LiquidationLookup:
    """Liquidation price of the trader's position in a market on the paper venue."""
    from quantdesk.exchange._views import account_view

    async def lookup(user_id: str, market: str) -> Decimal | None:
        view = account_view(state_of(), owner_of(user_id), {})  # type: ignore[arg-type]
        if view is None:
            return None
        position = next((p for p in view.positions if p.market == market), None)
        return None if position is None else position.liquidation_price

    return lookup
