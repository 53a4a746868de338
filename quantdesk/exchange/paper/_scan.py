"""Keepers' work, found with indexed queries on the read models instead of a scan
of every trader: markets due for funding (at most 16 rows), resting orders whose
trigger the oracle price crossed, positions whose liquidation price it crossed.

A position row is exact while its ``funding_index`` is the market's cumulative
funding (its liquidation price includes the funding pending at that index). After
a funding settlement moves the index, the market's rows are stale: those are
checked exactly with the engine's own ``is_liquidatable`` and refreshed (a bounded
batch per pass, each row only if no transaction rewrote it meanwhile), so the
indexed query covers them again. The refresh takes one market's rows in owner
order and commits before the next market: the executor writes a transaction's
position rows in owner order too, so the two never wait on each other in a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg

from quantdesk.engine import Market, Position, ProgramError, State, codec, is_liquidatable, pending_funding
from quantdesk.exchange.paper._readmodels import position_liquidation_price

REFRESH_BATCH = 2_000  # stale position rows re-priced per pass


@dataclass(frozen=True)
class Trigger:
    owner: bytes
    order_id: int
    market_index: int


@dataclass(frozen=True)
class Liquidation:
    owner: bytes
    market_index: int


def due_funding(state: State, now: int) -> list[int]:
    return [m.index for m in state.markets
            if not m.paused and now - m.last_funding_ts >= m.params.funding_interval_secs]


def crossed_triggers(conn: psycopg.Connection, marks: dict[int, int]) -> list[Trigger]:
    """Resting orders the engine would trigger at these oracle prices, oldest first."""
    found: list[Trigger] = []
    for market_index, mark in sorted(marks.items()):
        rows = conn.execute(
            "SELECT owner, order_id, placed_at FROM paper_open_orders WHERE market_index = %s "
            "AND fires_at_or_below >= %s UNION ALL SELECT owner, order_id, placed_at FROM paper_open_orders "
            "WHERE market_index = %s AND fires_at_or_above <= %s ORDER BY placed_at, order_id",
            (market_index, mark, market_index, mark)).fetchall()
        found.extend(Trigger(codec.decode_key(r[0]), int(r[1]), market_index) for r in rows)
    return found


def liquidatable(conn: psycopg.Connection, markets: tuple[Market, ...], marks: dict[int, int], *,
                 refresh: bool = True) -> list[Liquidation]:
    """Positions under maintenance margin at these oracle prices (with pending funding)."""
    found: list[Liquidation] = []
    for market_index, mark in sorted(marks.items()):
        market = markets[market_index]
        index = market.cumulative_funding
        rows = conn.execute(
            "SELECT owner FROM paper_positions WHERE market_index = %s AND base > 0 AND liquidation_price >= %s "
            "AND funding_index = %s UNION ALL SELECT owner FROM paper_positions WHERE market_index = %s "
            "AND base < 0 AND liquidation_price > 0 AND liquidation_price <= %s AND funding_index = %s",
            (market_index, mark, index, market_index, mark, index)).fetchall()
        found.extend(Liquidation(codec.decode_key(r[0]), market_index) for r in rows)
        stale = conn.execute(
            "SELECT owner, base, quote_entry, margin, last_cumulative_funding, funding_index FROM paper_positions "
            "WHERE market_index = %s AND (funding_index < %s OR funding_index > %s)",
            (market_index, index, index)).fetchall()
        refreshed: list[tuple[Any, ...]] = []
        for owner, base, quote_entry, margin, last_funding, stale_index in stale:
            position = Position(market_index, int(base), int(quote_entry), int(margin), int(last_funding))
            try:
                under = is_liquidatable(position, market.params, mark, pending_funding(position, market))
            except ProgramError:  # funding beyond i128: a candidate, the program decides
                under = True
            if under:
                found.append(Liquidation(codec.decode_key(owner), market_index))
            if refresh and len(refreshed) < REFRESH_BATCH:
                refreshed.append((position_liquidation_price(position, market), index, owner, market_index,
                                  stale_index, base, quote_entry, margin, last_funding))
        if refreshed:
            refreshed.sort(key=lambda row: row[2])  # by owner: the executor writes position rows in that order
            with conn.cursor() as cur:
                cur.executemany(
                    "UPDATE paper_positions SET liquidation_price = %s, funding_index = %s WHERE owner = %s "
                    "AND market_index = %s AND funding_index = %s AND base = %s AND quote_entry = %s "
                    "AND margin = %s AND last_cumulative_funding = %s", refreshed)
            conn.commit()  # one market's rows at a time: never holding rows of two markets at once
    return found
