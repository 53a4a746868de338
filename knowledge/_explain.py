"""explain_event's answer: what happened to the trader (from :mod:`knowledge._trail`),
with the numbers, why (the knowledge entry of the rule or error involved, quoted
and cited), what to do, and citations of both the docs and their own history.

A rule, program error or price-quality reason is found by its code name: the
corpus has exactly one heading that begins with each. A keeper action (trigger,
liquidation) has no code, so its entry is the best hybrid-search hit in its topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from knowledge._answer import quote, sentences, template
from knowledge._retriever import Retriever
from knowledge._store import Hit
from knowledge._trail import Story, Trail, Which
from quantdesk.engine import ErrorCode
from quantdesk.exchange import MARKETS, MarketSpec, whole
from quantdesk.units import usd

__all__ = ["Explainer", "Explanation"]

_ERROR_NAMES = frozenset(code.name for code in ErrorCode)
_FAILED_RULE = re.compile(r"\b([a-z_]+): FAILED \(limit (.+?), value (.+?)\)(?:;|$)")
_CAMEL = re.compile(r"\b[A-Z][A-Za-z]+\b")
_KINDS = {"stop_loss": "stop-loss", "take_profit": "take-profit", "limit": "limit", "market": "market"}


@dataclass(frozen=True)
class Explanation:
    text: str
    kind: str
    citations: tuple[str, ...]  # the docs quoted
    history: tuple[str, ...]  # the trader's own records it rests on (ticket, transaction, time)
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Parts:
    what: str
    numbers: list[str] = field(default_factory=list)
    why: list[str] = field(default_factory=list)
    todo: list[str] = field(default_factory=list)
    cited: list[str] = field(default_factory=list)
    history: list[str] = field(default_factory=list)

    def use(self, entry: list[Hit]) -> None:
        """Quote an entry's explanation under Why and its advice under What to do."""
        if not entry:
            return
        why, todo = _split_entry(entry)
        citation = entry[0].citation
        if why:
            self.why.append(quote(" ".join(why[:2]), citation))
        if todo:
            self.todo.append(quote(" ".join(todo), citation))
        self.cited.append(citation)


def _split_entry(entry: list[Hit]) -> tuple[list[str], list[str]]:
    seen: dict[str, None] = {}
    for hit in entry:  # overlapping chunks of one section repeat sentences
        for s in sentences(hit.text):
            seen.setdefault(s)
    why: list[str] = []
    todo: list[str] = []
    for s in seen:
        if s.lower().startswith("what to do") or todo:
            todo.append(re.sub(r"^what to do:?\s*", "", s, flags=re.IGNORECASE))
        else:
            why.append(s)
    return why, [t for t in todo if t]


def _when(at: datetime | None) -> str:
    return "" if at is None else f" at {at.strftime('%Y-%m-%d %H:%M:%S %Z').strip()}"


def _spec(market: str | None) -> MarketSpec | None:
    return next((s for s in MARKETS if s.symbol == market), None)


def _params_summary(params: dict[str, Any]) -> str:
    words = [str(params.get(k)) for k in ("side", "size", "market") if params.get(k)]
    if params.get("notional_usd"):
        words.append(f"${params['notional_usd']}")
    if params.get("order_type") and params["order_type"] != "market":
        words.append(f"{params['order_type']} {params.get('price', '')}".strip())
    if params.get("leverage"):
        words.append(f"{params['leverage']}x")
    return " ".join(words) or "an order"


class Explainer:
    def __init__(self, trail: Trail, retriever: Retriever) -> None:
        self._trail = trail
        self._retriever = retriever

    def explain(self, user_id: str, owner: str | None, *, order_id: int | None = None, ticket: str | None = None,
                which: Which | None = None) -> Explanation:
        """Explain one event of ``user_id``'s own history (``owner``: their paper wallet, if any)."""
        if order_id is not None:
            story = self._trail.order(user_id, owner, order_id)
        elif ticket is not None:
            story = self._trail.ticket(user_id, ticket)
        else:
            story = self._trail.last(user_id, owner, which or "last_rejection")
        parts = {"declined": self._declined, "ticket": self._ticket, "trigger": self._trigger,
                 "liquidation": self._liquidation, "order": self._order}[story.kind](story)
        if story.message:
            parts.history.insert(0, f'your message "{story.message[:120]}"')
        sources = "; ".join([*dict.fromkeys(parts.cited), *parts.history]) or "your history"
        text = template("explain").format(
            what=parts.what, numbers="; ".join(parts.numbers) or "none recorded",
            why="\n".join(parts.why) or "the docs have no entry for this yet.",
            todo="\n".join(parts.todo) or template(f"todo_{story.kind}"), sources=sources)
        return Explanation(text, story.kind, tuple(dict.fromkeys(parts.cited)), tuple(parts.history),
                           {"kind": story.kind, "market": story.market, "numbers": parts.numbers,
                            "citations": list(dict.fromkeys(parts.cited)), "history": parts.history})

    # --- per kind ------------------------------------------------------------------
    def _declined(self, story: Story) -> _Parts:
        detail = story.detail
        summary = detail.get("summary") or _params_summary(detail.get("params", {}))
        failed = [r for r in detail.get("risk", []) if not r.get("passed")]
        if failed:
            parts = _Parts(template("what_declined_risk").format(summary=summary, when=_when(story.at),
                                                                 count=len(failed)))
            for rule in failed:
                parts.numbers.append(f"{rule['rule']}: limit {rule['limit']}, value {rule['value']}")
                self._rule_entry(parts, rule["rule"], str(rule.get("value", "")))
            if detail.get("oracle_price"):
                parts.numbers.append(f"oracle price then {detail['oracle_price']}")
        else:
            name = detail.get("error_name") or "an error"
            parts = _Parts(template("what_declined_program").format(summary=summary, when=_when(story.at),
                                                                    error_name=name))
            parts.numbers.append(f"the program said: {detail.get('error', '')}")
            parts.use(self._retriever.entry(name))
        parts.history.append(f"audit record{_when(story.at)}")
        return parts

    def _rule_entry(self, parts: _Parts, rule: str, value: str) -> None:
        parts.use(self._retriever.entry(rule))
        reason = value.split(" ", 1)[0]
        if rule == "oracle_quality" and reason in ("stale", "wide", "halted"):
            parts.use(self._retriever.entry(reason))

    def _ticket(self, story: Story) -> _Parts:
        ticket = story.ticket or {}
        outcome = _ticket_outcome(story)
        parts = _Parts(template("what_ticket").format(short_hash=ticket.get("ticket_hash", "")[:12],
                                                      summary=ticket.get("summary", ""), when=_when(story.at),
                                                      outcome=outcome))
        sim = ticket.get("outcome") or {}
        for key, label in (("fill_price", "expected fill"), ("fee_usd", "fee"), ("margin_after_usd", "margin"),
                           ("liquidation_price", "liquidation price")):
            if sim.get(key) is not None:
                parts.numbers.append(f"{label} {sim[key]}")
        if ticket.get("price_bound"):
            parts.numbers.append(f"price bound {ticket['price_bound']}")
        error = " ".join(str(s.detail.get("error") or "") for s in story.steps if s.event in ("error", "result"))
        for rule, limit, value in _FAILED_RULE.findall(error):
            parts.numbers.append(f"{rule}: limit {limit}, value {value}")
            self._rule_entry(parts, rule, value)
        for name in dict.fromkeys(n for n in _CAMEL.findall(error) if n in _ERROR_NAMES):
            parts.use(self._retriever.entry(name))
        parts.history.append(f"ticket {ticket.get('ticket_hash', '')[:12]} ({', '.join(s.event for s in story.steps)})")
        if story.signature:
            parts.history.append(f"transaction {story.signature[:16]}…")
        return parts

    def _trigger(self, story: Story) -> _Parts:
        fill, order, spec = story.detail, story.order or {}, _spec(story.market)
        kind = _KINDS.get(str(order.get("kind", "")), "resting")
        size = whole(int(fill["size"]), spec.base_decimals) if spec else fill["size"]
        side = "sell" if fill.get("side") == "sell" else "buy"
        parts = _Parts(template("what_trigger").format(kind=kind, order_id=fill.get("order_id"), side=side, size=size,
                                                       market=story.market, when=_when(story.at),
                                                       fill_price=usd(int(fill["price"]))))
        if order.get("trigger_price"):
            parts.numbers.append(f"trigger {usd(int(order['trigger_price']))}")
        elif order.get("price"):
            parts.numbers.append(f"limit {usd(int(order['price']))}")
        if story.oracle_price is not None:
            parts.numbers.append(f"oracle then {story.oracle_price}")
        parts.numbers.append(f"fill {usd(int(fill['price']))}")
        if int(fill.get("realized_pnl", 0)):
            parts.numbers.append(f"realized PnL {usd(int(fill['realized_pnl']))}")
        parts.numbers.append(f"fee {usd(int(fill['fee']))}")
        question = f"why did my {kind} order trigger at the oracle price"
        parts.use(self._retriever.search(question, k=1, topic="orders")[:1])
        parts.history.append(f"order #{fill.get('order_id')}, keeper transaction {story.signature[:16]}…"
                             if story.signature else f"order #{fill.get('order_id')}")
        return parts

    def _liquidation(self, story: Story) -> _Parts:
        data, spec = story.detail, _spec(story.market)
        base = int(data["base"])
        size = whole(abs(base), spec.base_decimals) if spec else abs(base)
        parts = _Parts(template("what_liquidation").format(market=story.market, side="long" if base > 0 else "short",
                                                           size=size, when=_when(story.at), price=story.oracle_price))
        last_fill = story.order or {}
        if int(last_fill.get("liquidation_price", 0) or 0):
            parts.numbers.append(f"liquidation price {usd(int(last_fill['liquidation_price']))}")
        parts.numbers.append(f"oracle then {story.oracle_price}")
        for key, label in (("realized_pnl", "realized PnL"), ("liquidation_fee", "liquidation fee"),
                           ("payout", "returned to you"), ("bad_debt", "bad debt")):
            if key in data and (key != "bad_debt" or int(data[key])):
                parts.numbers.append(f"{label} {usd(int(data[key]))}")
        parts.use(self._retriever.search("why was my position liquidated maintenance margin", k=1,
                                         topic="liquidation")[:1])
        if story.signature:
            parts.history.append(f"keeper transaction {story.signature[:16]}…")
        return parts

    def _order(self, story: Story) -> _Parts:
        order = story.order or {}
        parts = _Parts(f"Order #{order.get('order_id')} on {story.market}{_when(story.at)}"
                       + (" filled." if story.detail else " is resting or was cancelled."))
        if story.detail.get("price"):
            parts.numbers.append(f"fill {usd(int(story.detail['price']))}")
        if story.signature:
            parts.history.append(f"transaction {story.signature[:16]}…")
        return parts


def _ticket_outcome(story: Story) -> str:
    status = story.status or "pending"
    if status == "executed":
        return "you approved it and it executed."
    if status == "failed":
        error = next((str(s.detail.get("error")) for s in reversed(story.steps) if s.detail.get("error")), "")
        return f"you approved it but it was not executed: {error or 'the venue refused it'}."
    if status in ("rejected", "expired", "cancelled"):
        return f"it was {status} ({story.reason or 'no reason recorded'}); nothing was signed."
    return "it is waiting for your approval."
