"""A trader's history on the paper venue, from the events its transactions
emitted: fills, realized PnL, fees, funding and liquidations over a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from psycopg_pool import ConnectionPool
from solders.pubkey import Pubkey

from quantdesk.exchange._markets import MARKETS
from quantdesk.exchange._views import whole
from quantdesk.units import usd

RECENT_FILLS = 20
PERIODS = {"1d": timedelta(days=1), "7d": timedelta(days=7), "30d": timedelta(days=30), "all": None}


@dataclass(frozen=True)
class History:
    fills: int
    realized_pnl: Decimal
    fees: Decimal
    funding_paid: Decimal  # positive: paid; negative: received
    liquidations: int
    recent_fills: tuple[dict[str, str], ...] = ()  # the newest fills first (at most RECENT_FILLS), for tables


def read_history(pool: ConnectionPool, owner: Pubkey, period: str, now: datetime) -> History:
    since = PERIODS[period]
    start = datetime.min.replace(tzinfo=now.tzinfo) if since is None else now - since
    with pool.connection() as conn:
        rows = conn.execute(
            "SELECT name, data, at FROM paper_events WHERE owner = %s AND at >= %s AND name IN "
            "('OrderFilled', 'FundingPaid', 'Liquidated') ORDER BY at DESC, idx DESC", (str(owner), start),
        ).fetchall()
    fills = pnl = fees = funding = liquidations = 0
    recent: list[dict[str, str]] = []
    for name, data, at in rows:
        if name == "OrderFilled":
            fills += 1
            pnl += int(data["realized_pnl"])
            fees += int(data["fee"])
            if len(recent) < RECENT_FILLS:
                recent.append(_fill_row(data, at))
        elif name == "FundingPaid":
            funding += int(data["amount"])
        else:
            liquidations += 1
            pnl += int(data["realized_pnl"])
            fees += int(data["liquidation_fee"])
    return History(fills, usd(pnl), usd(fees), usd(funding), liquidations, tuple(recent))


def _fill_row(fill: dict[str, Any], at: datetime) -> dict[str, str]:
    spec = MARKETS[int(fill["market_index"])]
    return {"at": at.isoformat(), "market": spec.symbol, "side": str(fill["side"]),
            "size": str(whole(int(fill["size"]), spec.base_decimals)), "price": str(usd(int(fill["price"]))),
            "fee": str(usd(int(fill["fee"]))), "realized_pnl": str(usd(int(fill["realized_pnl"]))),
            "order_id": "" if fill.get("order_id") is None else str(fill["order_id"])}


def daily_pnl(pool: ConnectionPool, owner: Pubkey, now: datetime) -> Decimal:
    """Realized PnL net of fees and funding over the last 24 hours (for the daily-loss limit)."""
    h = read_history(pool, owner, "1d", now)
    return h.realized_pnl - h.fees - h.funding_paid
