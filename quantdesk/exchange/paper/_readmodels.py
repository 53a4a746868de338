"""Read models of the paper ledger: open positions, resting orders and fills as
indexed tables, written in the same database transaction as the accounts they
derive from, so readers (positions, the agent's tools) and keepers never decode
engine state of other traders, and keepers find their work with indexed queries.

Positions carry the engine's liquidation price (engine/_risk.liquidation_price)
computed with the funding pending at the market's cumulative funding index when
the row was written; resting orders carry the oracle price at which a keeper may
trigger them (a limit order: where the vault's taker price reaches its limit;
a stop-loss / take-profit: its trigger, in the direction the engine checks).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import psycopg

from quantdesk.engine import (
    MAX_PRICE,
    Market,
    Order,
    OrderKind,
    Position,
    ProgramError,
    Side,
    User,
    codec,
    fill_price,
    liquidation_price,
    pending_funding,
    within_bound,
)
from quantdesk.exchange.paper._ledger import Account


def position_liquidation_price(position: Position, market: Market) -> int:
    """The engine's liquidation price of ``position`` with the funding pending now."""
    try:
        return liquidation_price(position, market.params, pending_funding(position, market))
    except ProgramError:  # an index delta outside i128: the keeper re-checks such rows exactly
        return 0


def order_fires(order: Order, market: Market) -> tuple[int | None, int | None]:
    """(fires at or below, fires at or above): the oracle prices at which the engine's
    trigger condition holds for this resting order; (None, None) if at no price."""
    if order.kind is OrderKind.LIMIT:
        params = market.params

        def holds(price: int) -> bool:
            try:
                return within_bound(order.side, fill_price(params, order.side, price), order.price)
            except ProgramError:  # a sell whose taker price rounds to zero
                return False

        if order.side is Side.BUY:  # true on [1, P]
            last = _last_true(holds)
            return (last, None) if last is not None else (None, None)
        first = _first_true(holds)  # a sell: true on [P, MAX_PRICE]
        return (None, first) if first is not None else (None, None)
    if order.kind is OrderKind.MARKET:
        return (MAX_PRICE, None)
    falls = (order.kind is OrderKind.STOP_LOSS) == (order.side is Side.SELL)
    return (order.trigger_price, None) if falls else (None, order.trigger_price)


def _last_true(holds: Any) -> int | None:
    """Largest p in [1, MAX_PRICE] with holds(p), for holds true up to a point."""
    if not holds(1):
        return None
    lo, hi = 1, MAX_PRICE + 1  # holds(lo), not holds(hi) (hi beyond the range)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if holds(mid) else (lo, mid)
    return lo


def _first_true(holds: Any) -> int | None:
    """Smallest p in [1, MAX_PRICE] with holds(p), for holds true from a point on."""
    if not holds(MAX_PRICE):
        return None
    lo, hi = 0, MAX_PRICE  # not holds(lo) (below the range), holds(hi)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if holds(mid) else (mid, hi)
    return hi


class ReadModels:
    """Writes the read models for the accounts a transaction changed."""

    def update(self, conn: psycopg.Connection, changed: Iterable[str], before: Mapping[str, Account],
               after: Mapping[str, Account], markets: tuple[Market, ...], signature: str,
               events: Iterable[dict[str, Any]]) -> None:
        users = []
        for address in changed:
            old, new = before.get(address), after.get(address)
            if isinstance(new, User) or isinstance(old, User):
                assert isinstance(new, User)
                users.append((codec.encode_key(new.owner), new, old if isinstance(old, User) else None))
            elif isinstance(new, Order) or isinstance(old, Order):
                if new is None:
                    conn.execute("DELETE FROM paper_open_orders WHERE address = %s", (address,))
                else:
                    assert isinstance(new, Order)
                    self.write_order(conn, address, new, markets[new.market_index])
        # Position rows in (owner, market) order, the order the keeper's re-pricing
        # takes them in too, so the two never wait on each other in a cycle.
        for _, user, previous in sorted(users, key=lambda item: item[0]):
            self.write_positions(conn, user, markets, previous)
        self.write_fills(conn, signature, events)

    @staticmethod
    def write_positions(conn: psycopg.Connection, user: User, markets: tuple[Market, ...],
                        old: User | None = None) -> None:
        owner = codec.encode_key(user.owner)
        kept = {p.market_index for p in user.positions}
        gone = [p.market_index for p in (old.positions if old else ()) if p.market_index not in kept]
        if gone:
            conn.execute("DELETE FROM paper_positions WHERE owner = %s AND market_index = ANY(%s)", (owner, gone))
        previous = {p.market_index: p for p in (old.positions if old else ())}
        for p in user.positions:
            if previous.get(p.market_index) == p and old is not None:
                continue
            market = markets[p.market_index]
            conn.execute(
                "INSERT INTO paper_positions (owner, market_index, base, quote_entry, margin, "
                "last_cumulative_funding, liquidation_price, funding_index) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (owner, market_index) DO UPDATE SET base = EXCLUDED.base, "
                "quote_entry = EXCLUDED.quote_entry, margin = EXCLUDED.margin, "
                "last_cumulative_funding = EXCLUDED.last_cumulative_funding, "
                "liquidation_price = EXCLUDED.liquidation_price, funding_index = EXCLUDED.funding_index, "
                "updated_at = clock_timestamp()",
                (owner, p.market_index, p.base, p.quote_entry, p.margin, p.last_cumulative_funding,
                 position_liquidation_price(p, market), market.cumulative_funding))

    @staticmethod
    def write_order(conn: psycopg.Connection, address: str, order: Order, market: Market) -> None:
        below, above = order_fires(order, market)
        conn.execute(
            "INSERT INTO paper_open_orders (address, owner, order_id, market_index, kind, side, size, price, "
            "trigger_price, reserved, placed_at, fires_at_or_below, fires_at_or_above) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (address) DO UPDATE SET "
            "size = EXCLUDED.size, reserved = EXCLUDED.reserved, fires_at_or_below = EXCLUDED.fires_at_or_below, "
            "fires_at_or_above = EXCLUDED.fires_at_or_above",
            (address, codec.encode_key(order.owner), order.id, order.market_index, order.kind.value,
             order.side.value, order.size, order.price, order.trigger_price, order.reserved, order.placed_at,
             below, above))

    @staticmethod
    def write_fills(conn: psycopg.Connection, signature: str, events: Iterable[dict[str, Any]]) -> None:
        rows = [(signature, idx, e["owner"], e["market_index"], e.get("order_id"), e["side"], e["size"], e["price"],
                 e["maker"], e["fee"], e["realized_pnl"])
                for idx, e in enumerate(events) if e["type"] == "OrderFilled"]
        if rows:
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO paper_fills (signature, idx, owner, market_index, order_id, side, size, price, maker, "
                    "fee, realized_pnl) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", rows)

    def rebuild(self, conn: psycopg.Connection, users: Iterable[User], orders: Iterable[tuple[str, Order]],
                markets: tuple[Market, ...]) -> None:
        """Positions and resting orders from scratch (the upgrade from a ``paper_state`` document)."""
        for user in users:
            self.write_positions(conn, user, markets)
        for address, order in orders:
            self.write_order(conn, address, order, markets[order.market_index])
