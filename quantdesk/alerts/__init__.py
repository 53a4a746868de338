"""Trader alerts: stored in Postgres, evaluated on price events, delivered to threads."""

from quantdesk.alerts._evaluate import on_price
from quantdesk.alerts._service import run_alerts
from quantdesk.alerts._store import NOTIFY_CHANNEL, Alert, AlertError, AlertStore, Notification

__all__ = ["NOTIFY_CHANNEL", "Alert", "AlertError", "AlertStore", "Notification", "on_price", "run_alerts"]
