"""A ticket as the web page's card shows it: every number already formatted
(quantdesk.display), the rows a trader decides on, warnings, what the order does
to their position, and the stamp once the ticket is decided.

The card is always built from the ticket store (the ticket, its status, reason
and result), never from what a page showed before, so a reload or a second tab
gets the ticket's true state: live with its buttons only while it is pending and
not yet expired.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from quantdesk import display as show
from quantdesk.markets import MarketSpec, market_by_symbol
from quantdesk.tickets import OrderTicket, StoredTicket
from quantdesk.units import usd

NEAR_LIQUIDATION_PCT = Decimal(10)  # a liquidation price closer than this to the fill gets a warning

_STAMPS = {"rejected": "REJECTED", "expired": "EXPIRED", "cancelled": "CANCELLED", "failed": "FAILED",
           "executing": "SENDING"}
_PLAIN = frozenset({"Size", "Leverage", "Limit price", "Trigger price"})  # the same whether or not it fills
_ORDER_WORDS = {"market": "at market", "limit": "limit", "stop_loss": "stop-loss at", "take_profit": "take-profit at"}


def card_status(stored: StoredTicket, now: datetime) -> str:
    """pending (buttons live), or what happened: filled, placed, done, rejected, expired, cancelled, failed."""
    if stored.status == "pending":
        return "expired" if stored.ticket.is_expired(now) else "pending"
    if stored.status == "executed":
        events = (stored.result or {}).get("events", [])
        if any(e.get("type") == "OrderFilled" for e in events):
            return "filled"
        return "placed" if stored.ticket.kind == "order" else "done"
    return stored.status


def ticket_card(stored: StoredTicket, now: datetime) -> dict[str, Any]:
    """The card's props (JSON): see public/elements/TicketCard.jsx for how they are laid out."""
    ticket = stored.ticket
    status = card_status(stored, now)
    spec = market_by_symbol(ticket.market) if ticket.market else None
    detail = ticket.outcome.detail
    buys = detail.get("buys")
    tone = "neutral" if buys is None or ticket.kind not in ("order", "close") else ("buy" if buys else "sell")
    rows, warnings = _rows(ticket, spec)
    return {
        "hash": ticket.ticket_hash, "short_hash": show.short_hash(ticket.ticket_hash), "kind": ticket.kind,
        "tone": tone, "side": _side(ticket), "title": _title(ticket, spec), "effect": _effect(ticket, spec),
        "rows": rows, "warnings": warnings if status == "pending" else [],
        "status": status, "stamp": None if status == "pending" else _stamp(status),
        "stamp_note": _stamp_note(stored, status, spec),
        "expires_at": ticket.expires_at.isoformat(),
        "expires_in_s": max(0, int((ticket.expires_at - now).total_seconds())) if status == "pending" else 0,
        "refreshable": ticket.kind in ("order", "close") and status in ("pending", "expired"),
    }


def _stamp(status: str) -> str:
    return _STAMPS.get(status, status.upper())


def _side(ticket: OrderTicket) -> str:
    if ticket.kind == "order":
        return "LONG" if ticket.outcome.detail.get("buys") else "SHORT"
    return {"close": "CLOSE", "cancel": "CANCEL", "withdraw": "WITHDRAW"}[ticket.kind]


def _title(ticket: OrderTicket, spec: MarketSpec | None) -> str:
    if ticket.kind == "cancel":
        return "Cancel order" + ("s " if "," in str(ticket.outcome.detail.get("orders", "")) else " ") + ", ".join(
            f"#{o.strip()}" for o in str(ticket.outcome.detail.get("orders", "")).split(","))
    if ticket.kind == "withdraw":
        return f"Withdraw {show.money(ticket.params.get('amount_usd'))} USDC"
    assert spec is not None
    held = show.as_decimal(ticket.outcome.detail.get("position_before"))
    if ticket.kind == "close":
        what = "all" if ticket.outcome.size is not None and held is not None and ticket.outcome.size >= abs(held) \
            else show.size(spec, ticket.outcome.size)
        return f"Close {what} of your {spec.symbol} {'long' if held and held > 0 else 'short'} at market"
    order_type = str(ticket.params.get("order_type", "market"))
    words = _ORDER_WORDS.get(order_type, order_type)
    if order_type == "limit":
        words += f" {show.price(spec, ticket.price_bound)}"
    elif order_type in ("stop_loss", "take_profit"):
        words += f" {show.price(spec, ticket.params.get('price'))}"
    side = "Long" if ticket.outcome.detail.get("buys") else "Short"
    reduce_only = ticket.params.get("reduce_only") or order_type in ("stop_loss", "take_profit")
    amount = f"{ticket.outcome.size.normalize():,f}" if ticket.outcome.size is not None else ""
    return f"{side} {amount} {spec.symbol} {words}" + (" · reduce-only" if reduce_only else "")


def _effect(ticket: OrderTicket, spec: MarketSpec | None) -> str | None:
    """'This closes your 2 SOL long' and the like; None for an order that opens a position."""
    detail = ticket.outcome.detail
    held = show.as_decimal(detail.get("position_before"))
    effect = detail.get("effect")
    if spec is None or held is None or effect in (None, "opens"):
        return None
    side = "long" if held > 0 else "short"
    yours = f"your {show.size(spec, abs(held))} {side}"
    size = ticket.outcome.size or Decimal(0)
    if effect == "adds":
        return f"This adds to {yours} (to {show.size(spec, abs(held) + size)})"
    if effect == "reduces":
        return f"This reduces {yours} to {show.size(spec, abs(held) - size)}"
    capped = " (capped at your position's size)" if detail.get("capped_by_position") else ""
    return f"This closes {yours}{capped}"


def _rows(ticket: OrderTicket, spec: MarketSpec | None) -> tuple[list[dict[str, str]], list[str]]:
    if ticket.kind == "cancel":
        return [{"label": "Orders", "value": _title(ticket, spec).removeprefix("Cancel ")}], []
    if ticket.kind == "withdraw":
        destination = str(ticket.outcome.detail.get("destination", ""))
        return [{"label": "Amount", "value": show.money(ticket.params.get("amount_usd"))},
                {"label": "To", "value": f"your wallet's token account {destination[:4]}…{destination[-4:]}"},
                {"label": "Free collateral after", "value": show.money(ticket.outcome.free_collateral_after_usd)}], []
    assert spec is not None
    return _order_rows(ticket, spec)


def _order_rows(ticket: OrderTicket, spec: MarketSpec) -> tuple[list[dict[str, str]], list[str]]:
    """Size, leverage, prices, fees, margin, PnL, liquidation. For a resting order the outcome is
    the fill the keeper would give it at its price (``hypothetical``), labelled as such."""
    outcome, detail = ticket.outcome, ticket.outcome.detail
    resting = bool(detail.get("hypothetical"))
    prefix = "If filled: " if resting else ""
    rows: list[dict[str, str]] = []
    warnings: list[str] = []

    def row(label: str, value: str) -> None:
        shown = f"{prefix}{label[:1].lower()}{label[1:]}" if prefix and label not in _PLAIN else label
        rows.append({"label": shown, "value": value})

    row("Size", f"{show.size(spec, outcome.size)} · {show.money(outcome.notional_usd)}")
    if ticket.kind == "order" and detail.get("effect") in ("opens", "adds", None):  # reducing needs no margin
        row("Leverage", f"{detail.get('leverage')}x" + (" (default)" if detail.get("leverage_defaulted") else ""))
    mark = show.as_decimal(detail.get("oracle_price"))
    if resting:
        distance = show.as_decimal(detail.get("distance_from_mark_pct"))
        where = "" if distance is None else f" · {show.pct(abs(distance))} {'above' if distance > 0 else 'below'} mark"
        label = "Limit price" if detail.get("maker") else "Trigger price"
        row(label, f"{show.price(spec, detail.get('resting_price'))}{where} {show.price(spec, mark)}")
        if detail.get("far_from_mark") and distance is not None:
            warnings.append(f"Far from the mark ({show.pct(abs(distance))}): it fills only if "
                            f"{spec.base} moves that far.")
        row("Fill", show.price(spec, outcome.fill_price))
        if detail.get("reserved_usd") is not None:  # set aside now, while it rests
            rows.append({"label": "Reserved now",
                         "value": f"{show.money(detail['reserved_usd'])} for its margin and fee"})
    else:
        row("Expected fill", f"{show.price(spec, outcome.fill_price)} (mark {show.price(spec, mark)})")
        if ticket.price_bound is not None:
            row("Price bound", f"{show.price(spec, ticket.price_bound)} worst fill")
    row("Fees", f"{show.money(outcome.fee_usd)} · {show.bps(outcome.fee_usd, outcome.notional_usd)}")
    effect = detail.get("effect")
    if effect in ("opens", "adds", None):
        row("Margin", f"{show.money(outcome.margin_after_usd)} of "
                      f"{show.money(detail.get('free_collateral_usd'))} free")
    realized = detail.get("realized_pnl_usd")
    if effect in ("reduces", "closes") and realized is not None:
        row("Realized PnL", show.signed_money(realized) + " (before fees)")
    distance = show.as_decimal(detail.get("liquidation_distance_pct"))
    if effect != "closes":
        away = "" if distance is None else f" · {show.pct(distance)} away"
        liq = outcome.liquidation_price
        row("Liquidation", "none" if liq is None else f"{show.price(spec, liq)}{away}")
        if distance is not None and distance < NEAR_LIQUIDATION_PCT:
            warnings.append(f"Liquidation is only {show.pct(distance)} from the fill.")
    failed = [r for r in ticket.risk if not r.get("passed")]
    if ticket.risk:
        rows.append({"label": "Risk checks", "value": f"{len(ticket.risk) - len(failed)} of {len(ticket.risk)} "
                                                      "passed"})
    return rows, warnings


def _stamp_note(stored: StoredTicket, status: str, spec: MarketSpec | None) -> str | None:
    """One line under the stamp: the fill, or why the ticket closed."""
    if status in ("pending", "executing"):
        return None
    if status == "expired":
        return "Not approved in time; nothing was sent."
    reason = str(stored.reason or (stored.result or {}).get("error") or "")
    reason = reason[:1].upper() + reason[1:]
    if status == "failed":
        return f"{reason or 'The venue refused it'}."
    if status in ("rejected", "cancelled"):
        return (f"{reason}. " if reason else "") + "Nothing was sent."
    events = (stored.result or {}).get("events", [])
    fill = next((e for e in events if e.get("type") == "OrderFilled"), None)
    if fill is None or spec is None:
        signature = str(stored.signature or "")
        return f"Transaction {signature[:8]}…" if signature else None
    size = spec.size(int(fill["size"]))
    price = usd(int(fill["price"]))
    note = (f"{'Bought' if fill.get('side') == 'buy' else 'Sold'} {show.size(spec, size)} at {show.price(spec, price)}"
            f" · fee {show.money(usd(int(fill['fee'])))}")
    if stored.ticket.outcome.detail.get("effect") in ("reduces", "closes"):
        note += f" · realized PnL {show.signed_money(usd(int(fill['realized_pnl'])))}"
    return note
