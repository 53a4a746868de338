"""A trader's own history, joined from where it is recorded: the audit trail
(message -> ticket -> risk results -> approval -> signature -> venue result, and
orders refused before a ticket existed), the tickets, and the paper venue's
events and transactions (keeper triggers and liquidations, signed by keepers).

Every query is filtered by the trader (their user id, and their wallet on the
paper venue): nobody reads anybody else's history through here. Read only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from psycopg_pool import ConnectionPool

from knowledge._errors import KnowledgeError
from quantdesk.engine import normalize_price
from quantdesk.exchange import GENESIS, MARKETS, SLOT_MS
from quantdesk.market import FeedRegistry
from quantdesk.units import usd

__all__ = ["EventNotFound", "Step", "Story", "Trail", "Which"]

Which = Literal["last_order", "last_rejection", "last_liquidation", "last_trigger"]
StoryKind = Literal["declined", "ticket", "trigger", "liquidation", "order"]


class EventNotFound(KnowledgeError):
    """Nothing in the trader's own history matches what was asked."""


@dataclass(frozen=True)
class Step:
    event: str
    at: datetime
    detail: dict[str, Any]


@dataclass(frozen=True)
class Story:
    """One thing that happened to the trader, with everything recorded about it."""

    kind: StoryKind
    at: datetime | None
    message: str | None = None  # the trader's message that started it
    ticket: dict[str, Any] | None = None  # the ticket as saved (summary, params, outcome, risk results)
    status: str | None = None  # the ticket's final status
    reason: str | None = None  # why the ticket was closed, when it was
    steps: tuple[Step, ...] = ()  # the audit trail, oldest first
    detail: dict[str, Any] = field(default_factory=dict)  # a declined order's record, or the keeper's event
    order: dict[str, Any] | None = None  # the program's OrderPlaced event of the order, when there is one
    market: str | None = None
    oracle_price: Decimal | None = None  # at the time of a trigger or liquidation
    signature: str | None = None


def slot_time(slot: int) -> datetime:
    """When the paper venue's slot began (its slots are 400 ms from a fixed genesis)."""
    return GENESIS + timedelta(milliseconds=slot * SLOT_MS)


class Trail:
    def __init__(self, pool: ConnectionPool, registry: FeedRegistry) -> None:
        self._pool = pool
        self._feeds = {spec.index: registry.get(spec.feed_symbol).feed_id for spec in MARKETS}

    def _rows(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        with self._pool.connection() as conn:
            return conn.execute(sql, params).fetchall()

    # --- what to explain ---------------------------------------------------------
    def last(self, user_id: str, owner: str | None, which: Which) -> Story:
        if which in ("last_order", "last_rejection"):
            return self._last_attempt(user_id, rejected_only=which == "last_rejection")
        if owner is None:
            raise EventNotFound("keeper actions (triggers, liquidations) are recorded on the paper venue only")
        story = self._last_liquidation(owner) if which == "last_liquidation" else self._last_trigger(user_id, owner)
        if story is None:
            what = "liquidation" if which == "last_liquidation" else "triggered order"
            raise EventNotFound(f"your history has no {what}")
        return story

    def ticket(self, user_id: str, prefix: str) -> Story:
        rows = self._rows("SELECT ticket_hash FROM tickets WHERE user_id = %s AND ticket_hash LIKE %s LIMIT 2",
                          (user_id, prefix.lower() + "%"))
        if not rows:
            raise EventNotFound(f"you have no ticket starting {prefix[:12]!r}")
        if len(rows) > 1:
            raise EventNotFound(f"more than one of your tickets starts {prefix!r}; give more of its hash")
        return self._ticket_story(user_id, rows[0][0])

    def order(self, user_id: str, owner: str | None, order_id: int) -> Story:
        """Order number ``order_id`` of the trader's account: its ticket, and what the program did with it."""
        placed = fills = None
        if owner is not None:
            events = self._rows(
                "SELECT e.name, e.data, t.slot, t.fee_payer, e.signature FROM paper_events e "
                "JOIN paper_transactions t USING (signature) WHERE e.owner = %s AND e.data->>'order_id' = %s "
                "AND e.name IN ('OrderPlaced', 'OrderFilled', 'OrderCancelled') ORDER BY t.slot, e.idx",
                (owner, str(order_id)))
            placed = next((r for r in events if r[0] == "OrderPlaced"), None)
            fills = [r for r in events if r[0] == "OrderFilled"]
        ticket_rows = self._rows(
            "SELECT ticket_hash FROM tickets WHERE user_id = %s AND result->'events' @> %s::jsonb "
            "ORDER BY created_at DESC LIMIT 1",
            (user_id, f'[{{"type": "OrderPlaced", "order_id": {int(order_id)}}}]'))
        if placed is None and not ticket_rows:
            raise EventNotFound(f"you have no order #{order_id}")
        if fills and owner is not None and fills[-1][3] != owner:  # filled by a keeper: a trigger
            return self._trigger_story(user_id, fills[-1][1], fills[-1][2], fills[-1][4], placed[1] if placed else None)
        if ticket_rows:
            return self._ticket_story(user_id, ticket_rows[0][0])
        assert placed is not None
        return Story("order", slot_time(placed[2]), order=placed[1], detail=fills[-1][1] if fills else {},
                     market=_market(placed[1]), signature=placed[4])

    # --- the parts -------------------------------------------------------------
    def _last_attempt(self, user_id: str, *, rejected_only: bool) -> Story:
        declined = self._rows(
            "SELECT id, at, thread_id, detail FROM audit_log WHERE user_id = %s AND event = 'error' "
            "AND ticket_hash IS NULL AND detail->>'stage' = 'prepare' ORDER BY id DESC LIMIT 1", (user_id,))
        status_filter = "AND t.status = 'failed'" if rejected_only else "AND t.ticket->>'kind' = 'order'"
        tickets = self._rows(
            "SELECT a.id, t.ticket_hash FROM tickets t JOIN audit_log a ON a.ticket_hash = t.ticket_hash "
            f"AND a.event = 'ticket' WHERE t.user_id = %s {status_filter} ORDER BY a.id DESC LIMIT 1", (user_id,))
        if not declined and not tickets:
            what = "rejected order" if rejected_only else "order"
            raise EventNotFound(f"your history has no {what} yet")
        if declined and (not tickets or declined[0][0] > tickets[0][0]):
            audit_id, at, thread_id, detail = declined[0]
            return Story("declined", at, message=self._message(user_id, thread_id, audit_id), detail=detail,
                         market=detail.get("params", {}).get("market"))
        return self._ticket_story(user_id, tickets[0][1])

    def _message(self, user_id: str, thread_id: str, before_id: int) -> str | None:
        rows = self._rows("SELECT detail->>'text' FROM audit_log WHERE user_id = %s AND thread_id = %s AND "
                          "event = 'message' AND id < %s ORDER BY id DESC LIMIT 1", (user_id, thread_id, before_id))
        return rows[0][0] if rows else None

    def _ticket_story(self, user_id: str, ticket_hash: str) -> Story:
        row = self._rows("SELECT ticket, status, reason, signature, result FROM tickets WHERE ticket_hash = %s AND "
                         "user_id = %s", (ticket_hash, user_id))[0]
        ticket, status, reason, signature, result = row
        audit = self._rows("SELECT id, event, at, detail, thread_id FROM audit_log WHERE ticket_hash = %s AND "
                           "user_id = %s ORDER BY id", (ticket_hash, user_id))
        steps = tuple(Step(event, at, detail) for _id, event, at, detail, _thread in audit)
        message = self._message(user_id, audit[0][4], audit[0][0]) if audit else None
        placed = next((e for e in (result or {}).get("events", []) if e.get("type") == "OrderPlaced"), None)
        return Story("ticket", steps[0].at if steps else None, message=message, ticket=ticket, status=status,
                     reason=reason, steps=steps, detail=result or {}, order=placed, market=ticket.get("market"),
                     signature=signature)

    def _last_liquidation(self, owner: str) -> Story | None:
        rows = self._rows(
            "SELECT e.data, t.slot, e.signature FROM paper_events e JOIN paper_transactions t USING (signature) "
            "WHERE e.owner = %s AND e.name = 'Liquidated' ORDER BY t.slot DESC, e.idx DESC LIMIT 1", (owner,))
        if not rows:
            return None
        data, slot, signature = rows[0]
        # The position's last fill before it says where its liquidation price stood.
        fill = self._rows(
            "SELECT e.data FROM paper_events e JOIN paper_transactions t USING (signature) WHERE e.owner = %s AND "
            "e.name = 'OrderFilled' AND (e.data->>'market_index')::int = %s AND t.slot <= %s "
            "ORDER BY t.slot DESC, e.idx DESC LIMIT 1", (owner, int(data["market_index"]), slot))
        return Story("liquidation", slot_time(slot), detail=data, order=fill[0][0] if fill else None,
                     market=_market(data), oracle_price=usd(int(data["price"])), signature=signature)

    def _last_trigger(self, user_id: str, owner: str) -> Story | None:
        rows = self._rows(
            "SELECT e.data, t.slot, e.signature FROM paper_events e JOIN paper_transactions t USING (signature) "
            "WHERE e.owner = %s AND e.name = 'OrderFilled' AND e.data->>'order_id' IS NOT NULL "
            "AND t.fee_payer <> %s ORDER BY t.slot DESC, e.idx DESC LIMIT 1", (owner, owner))
        if not rows:
            return None
        data, slot, signature = rows[0]
        placed = self._rows("SELECT data FROM paper_events WHERE owner = %s AND name = 'OrderPlaced' AND "
                            "data->>'order_id' = %s LIMIT 1", (owner, str(data["order_id"])))
        return self._trigger_story(user_id, data, slot, signature, placed[0][0] if placed else None)

    def _trigger_story(self, user_id: str, fill: dict[str, Any], slot: int, signature: str,
                       placed: dict[str, Any] | None) -> Story:
        at = slot_time(slot)
        ticket = None
        if placed is not None:
            rows = self._rows("SELECT ticket FROM tickets WHERE user_id = %s AND result->'events' @> %s::jsonb "
                              "LIMIT 1",
                              (user_id, f'[{{"type": "OrderPlaced", "order_id": {int(placed["order_id"])}}}]'))
            ticket = rows[0][0] if rows else None
        return Story("trigger", at, ticket=ticket, detail=fill, order=placed, market=_market(fill),
                     oracle_price=self._oracle_at(int(fill["market_index"]), at), signature=signature)

    def _oracle_at(self, market_index: int, at: datetime) -> Decimal | None:
        """The newest Pyth price of the market published by ``at`` (what the venue read then)."""
        rows = self._rows("SELECT price, expo FROM price_ticks WHERE feed_id = %s AND publish_time <= %s "
                          "ORDER BY publish_time DESC LIMIT 1", (self._feeds[market_index], int(at.timestamp())))
        return usd(normalize_price(int(rows[0][0]), int(rows[0][1]))) if rows else None


def _market(event: dict[str, Any]) -> str | None:
    index = event.get("market_index")
    return next((s.symbol for s in MARKETS if s.index == index), None)
