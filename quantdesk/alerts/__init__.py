"""Trader alerts: stored in Postgres, evaluated on price events, delivered to threads."""

from quantdesk.alerts._evaluate import FillLookup, LiquidationLookup, on_order_events, on_price
from quantdesk.alerts._service import paper_fill_lookup, paper_liquidation_lookup, run_alerts
from quantdesk.alerts._store import MAX_ACTIVE_PER_USER, NOTIFY_CHANNEL, Alert, AlertError, AlertStore, Notification

__all__ = [
    "MAX_ACTIVE_PER_USER", "NOTIFY_CHANNEL", "Alert", "AlertError", "AlertStore", "FillLookup", "LiquidationLookup",
    "Notification", "on_order_events", "on_price", "paper_fill_lookup", "paper_liquidation_lookup", "run_alerts",
]
