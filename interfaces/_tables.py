"""Positions, orders and fills as markdown tables (GFM), from the tools' data:
every number through quantdesk.display. The web page and the terminal both show
these where the answer would otherwise list them line by line: the offline model
answers with its tool results' texts joined (:func:`echoes`), so a surface can
show each result its own way instead."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from quantdesk import display as show

_KIND = {"market": "market", "limit": "limit", "stop_loss": "stop-loss", "take_profit": "take-profit"}


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> str:
    """``align`` per column: l or r (numbers right)."""
    marks = ["---:" if a == "r" else ":---" for a in align]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(marks) + " |"]
    lines += ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _pct(part: Decimal | None, whole: Decimal | None, *, signed: bool = False) -> str:
    if part is None or whole is None or whole == 0:
        return show.DASH
    value = part / whole * 100
    return ("+" if signed and value > 0 else "") + show.pct(value)


def positions_table(positions: Sequence[dict[str, Any]]) -> str:
    """Market, side, size, entry, mark, uPnL, ROE % (uPnL on margin), liquidation and its distance from the mark."""
    rows = []
    for p in positions:
        market = str(p["market"])
        mark, liq = show.as_decimal(p.get("mark_price")), show.as_decimal(p.get("liquidation_price"))
        upnl, margin = show.as_decimal(p.get("unrealized_pnl")), show.as_decimal(p.get("margin"))
        distance = show.DASH if mark is None or liq is None else show.pct(abs(mark - liq) / mark * 100)
        rows.append([market, f"{str(p['side']).upper()} {show.size(market, p.get('size'))}",
                     show.price(market, p.get("entry_price")), show.price(market, mark),
                     f"{show.signed_money(upnl)} ({_pct(upnl, margin, signed=True)})", show.money(margin),
                     "none" if liq is None else f"{show.price(market, liq)} ({distance})"])
    return _table(["Market", "Position", "Entry", "Mark", "uPnL (ROE)", "Margin", "Liq. (away)"], rows,
                  "llrrrrr")


def orders_table(orders: Sequence[dict[str, Any]], marks: dict[str, Decimal] | None = None) -> str:
    """Resting orders: id, market, type, side, size, price or trigger and its distance from the mark."""
    rows = []
    for o in orders:
        market = str(o["market"])
        # A stop's "price" is only its worst-fill bound: what the trader set is the trigger.
        stop = str(o.get("kind")) in ("stop_loss", "take_profit")
        at = show.as_decimal(o.get("trigger_price") if stop else o.get("price"))
        mark = (marks or {}).get(market)
        rows.append([f"#{o['order_id']}", market, _KIND.get(str(o.get("kind")), str(o.get("kind"))),
                     str(o["side"]).upper(), show.size(market, o.get("size")), show.price(market, at),
                     show.DASH if mark is None or at is None else _pct(at - mark, mark, signed=True),
                     "yes" if str(o.get("reduce_only")) == "True" else ""])
    return _table(["Order", "Market", "Type", "Side", "Size", "Price", "From mark", "Reduce-only"], rows, "llllrrrl")


def fills_table(fills: Sequence[dict[str, Any]]) -> str:
    """Recent fills, newest first: time (UTC), market, side, size, price, fee, realized PnL."""
    rows = []
    for f in fills:
        market = str(f["market"])
        at = datetime.fromisoformat(str(f["at"])).strftime("%m-%d %H:%M:%S")
        rows.append([at, market, "BUY" if f["side"] == "buy" else "SELL", show.size(market, f.get("size")),
                     show.price(market, f.get("price")), show.money(f.get("fee")),
                     show.signed_money(f.get("realized_pnl"))])
    return _table(["Time (UTC)", "Market", "Side", "Size", "Price", "Fee", "Realized PnL"], rows, "lllrrrr")



def echoes(text: str, results: Sequence[dict[str, Any]]) -> bool:
    """Whether an answer is just these tool results read out (as the offline model answers)."""
    return bool(results) and text == "\n\n".join(str(r.get("text", "")) for r in results)


def result_table(result: dict[str, Any], marks: dict[str, Decimal] | None = None) -> str | None:
    """A tool result as markdown with its table (positions, orders, recent fills); None if it has none."""
    data = result.get("data") or {}
    if result.get("status") != "success":
        return None
    if result.get("name") == "get_positions" and data.get("positions"):
        return positions_table(data["positions"])
    if result.get("name") == "get_orders" and data.get("orders"):
        return orders_table(data["orders"], marks)
    if result.get("name") == "get_history" and data.get("fills"):
        return f"{result.get('text', '')}\n\n{fills_table(data['fills'])}"
    return None
