"""The alert service: follows price events committed by the ingest service
(LISTEN/NOTIFY, any process) and fires alerts. On the paper venue it also knows
each trader's liquidation prices for liquidation-distance alerts."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from decimal import Decimal

from quantdesk.alerts._evaluate import FillLookup, LiquidationLookup, on_order_events, on_price
from quantdesk.alerts._store import AlertStore
from quantdesk.logs import get_logger
from quantdesk.market import PriceEvent

log = get_logger(__name__)


async def run_alerts(events: AsyncIterator[PriceEvent], store: AlertStore, *,
                     liquidation_price: LiquidationLookup | None = None, fills: FillLookup | None = None,
                     clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
    """Evaluate every price event until the stream ends (order alerts are checked on each event too:
    fills follow price moves, and the ingest service publishes at least every batch)."""
    async for event in events:
        fired = await on_price(store, event, clock(), liquidation_price)
        if fills is not None:
            fired += await on_order_events(store, fills, clock())
        for alert in fired:
            log.info("alert.fired", alert_id=alert.id, user_id=alert.user_id, kind=alert.kind)


def paper_liquidation_lookup(state_of: Callable[[], object], owner_of: Callable[[str], bytes]) -> LiquidationLookup:
    """Liquidation price of the trader's position in a market on the paper venue."""
    from quantdesk.exchange import account_view

    async def lookup(user_id: str, market: str) -> Decimal | None:
        view = account_view(state_of(), owner_of(user_id), {})  # type: ignore[arg-type]
        if view is None:
            return None
        position = next((p for p in view.positions if p.market == market), None)
        return None if position is None else position.liquidation_price

    return lookup


def paper_fill_lookup(pool: object, owner_of: Callable[[str], bytes]) -> FillLookup:
    """Fills and triggers of the trader's orders on the paper venue, from its events."""
    import asyncio

    from solders.pubkey import Pubkey

    from quantdesk.exchange import MARKETS, whole
    from quantdesk.units import usd

    def query(user_id: str, order_id: str | None, since: datetime) -> str | None:
        sql = ("SELECT data FROM paper_events WHERE name = 'OrderFilled' AND owner = %s AND at > %s"
               + (" AND data->>'order_id' = %s" if order_id is not None else "") + " ORDER BY at LIMIT 1")
        args: list[object] = [str(Pubkey(owner_of(user_id))), since]
        if order_id is not None:
            args.append(order_id)
        with pool.connection() as conn:  # type: ignore[attr-defined]
            row = conn.execute(sql, args).fetchone()
        if row is None:
            return None
        data = row[0]
        spec = MARKETS[int(data["market_index"])]
        size = whole(int(data["size"]), spec.base_decimals)
        return (f"order {data['order_id']} filled: {data['side']} {size} {spec.symbol} at "
                f"{usd(int(data['price']))}")

    async def lookup(user_id: str, order_id: str | None, since: datetime) -> str | None:
        return await asyncio.to_thread(query, user_id, order_id, since)

    return lookup
