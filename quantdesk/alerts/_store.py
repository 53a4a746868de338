"""Alerts and the notifications they produce, in Postgres. A trader's alerts are
theirs alone: every read and cancel is scoped by user id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from psycopg_pool import ConnectionPool

from quantdesk.errors import QuantDeskError

NOTIFY_CHANNEL = "quantdesk_alerts"
MAX_ACTIVE_PER_USER = 50


class AlertError(QuantDeskError):
    """An alert cannot be created or found."""


@dataclass(frozen=True)
class Alert:
    id: int
    user_id: str
    thread_id: str
    kind: str
    market: str | None
    level: Decimal | None
    direction: str | None
    threshold_pct: Decimal | None
    order_id: str | None
    created_at: datetime | None = None

    def describe(self) -> str:
        if self.kind == "price_cross":
            return f"#{self.id}: {self.market} crosses {self.direction} {self.level}"
        if self.kind == "liquidation_distance":
            return f"#{self.id}: {self.market or 'any position'} within {self.threshold_pct}% of liquidation"
        return f"#{self.id}: order {self.order_id or '(any)'} filled or triggered"


@dataclass(frozen=True)
class Notification:
    id: int
    thread_id: str
    text: str
    created_at: datetime


_COLUMNS = "id, user_id, thread_id, kind, market, level, direction, threshold_pct, order_id, created_at"


class AlertStore:
    def __init__(self, pool: ConnectionPool) -> None:
        self._pool = pool

    def create(self, user_id: str, thread_id: str, kind: str, *, market: str | None = None,
               level: Decimal | None = None, direction: str | None = None, threshold_pct: Decimal | None = None,
               order_id: str | None = None) -> Alert:
        with self._pool.connection() as conn:
            count = conn.execute("SELECT count(*) FROM alerts WHERE user_id = %s AND active", (user_id,)).fetchone()
            if count and count[0] >= MAX_ACTIVE_PER_USER:
                raise AlertError(f"you already have {MAX_ACTIVE_PER_USER} active alerts; cancel some first")
            row = conn.execute(
                f"INSERT INTO alerts (user_id, thread_id, kind, market, level, direction, threshold_pct, order_id) "
                f"VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING {_COLUMNS}",
                (user_id, thread_id, kind, market, level, direction, threshold_pct, order_id),
            ).fetchone()
        assert row is not None
        return Alert(*row)

    def active(self, user_id: str | None = None, kind: str | None = None) -> list[Alert]:
        sql = f"SELECT {_COLUMNS} FROM alerts WHERE active"
        args: list[object] = []
        if user_id is not None:
            sql += " AND user_id = %s"
            args.append(user_id)
        if kind is not None:
            sql += " AND kind = %s"
            args.append(kind)
        with self._pool.connection() as conn:
            return [Alert(*row) for row in conn.execute(sql + " ORDER BY id", args).fetchall()]

    def cancel(self, user_id: str, alert_id: int) -> Alert:
        with self._pool.connection() as conn:
            row = conn.execute(f"UPDATE alerts SET active = false WHERE id = %s AND user_id = %s AND active "
                               f"RETURNING {_COLUMNS}", (alert_id, user_id)).fetchone()
        if row is None:
            raise AlertError(f"you have no active alert #{alert_id}")
        return Alert(*row)

    def trigger(self, alert: Alert, text: str, at: datetime) -> bool:
        """Mark the alert fired and queue its notification, once (False if it already fired)."""
        with self._pool.connection() as conn, conn.transaction():
            fired = conn.execute("UPDATE alerts SET active = false, triggered_at = %s WHERE id = %s AND active",
                                 (at, alert.id)).rowcount
            if not fired:
                return False
            conn.execute("INSERT INTO notifications (user_id, thread_id, alert_id, text) VALUES (%s, %s, %s, %s)",
                         (alert.user_id, alert.thread_id, alert.id, text))
            conn.execute("SELECT pg_notify(%s, %s)", (NOTIFY_CHANNEL, alert.thread_id))
        return True

    def take_pending(self, thread_id: str) -> list[Notification]:
        """The thread's undelivered notifications, marked delivered."""
        with self._pool.connection() as conn:
            rows = conn.execute(
                "UPDATE notifications SET delivered_at = now() WHERE thread_id = %s AND delivered_at IS NULL "
                "RETURNING id, thread_id, text, created_at", (thread_id,),
            ).fetchall()
        return sorted((Notification(*r) for r in rows), key=lambda n: n.id)
