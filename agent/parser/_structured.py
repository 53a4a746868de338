"""Structured input: ``side=long market=SOL size=2 leverage=5`` or a JSON object, read
into the grammar's own words ("long 2 sol 5x"), values copied exactly as typed."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Final

__all__ = ["structured_order"]

_PAIR: Final = re.compile(r"([A-Za-z_]+)\s*[=:]\s*(\"[^\"]*\"|'[^']*'|[^\s,;]+)")
KEYS: Final[Mapping[str, str]] = {
    "side": "side", "direction": "side", "action": "side",
    "market": "market", "symbol": "market", "coin": "market", "asset": "market", "ticker": "market",
    "size": "size", "qty": "size", "quantity": "size", "amount": "size", "base": "size",
    "notional": "notional", "notional_usd": "notional", "usd": "notional",
    "leverage": "leverage", "lev": "leverage",
    "price": "price", "limit": "price", "limit_price": "price",
    "type": "type", "order_type": "type", "ordertype": "type",
    "reduce_only": "reduce_only", "reduceonly": "reduce_only",
}
_NUMBER_SLOTS: Final = ("size", "notional", "leverage", "price")


def structured_order(text: str) -> str | None:
    """The order phrase a structured order means, or None when ``text`` is not one."""
    fields = _json_fields(text)
    if fields is None:
        pairs = _PAIR.findall(text)
        if len(pairs) < 2 or len(_PAIR.sub("", text).strip(" ,;{}")) > 0:
            return None
        fields = {k.lower(): v.strip("\"'") for k, v in pairs}
    slots: dict[str, str] = {}
    for key, value in fields.items():
        slot = KEYS.get(key)
        if slot is None or slot in slots:
            return None  # an unknown or repeated key: not something to guess around
        slots[slot] = value
    if "side" not in slots and "market" not in slots:
        return None
    words = [slots.get("side", ""), slots.get("size", ""),
             f"${slots['notional']}" if "notional" in slots else "", slots.get("market", "")]
    if "leverage" in slots:
        words.append(f"{slots['leverage'].lower().removesuffix('x')}x")
    if slots.get("type", "").lower() in ("market", "limit"):
        words.append(slots["type"].lower())
    if "price" in slots:
        words += ["limit" if slots.get("type", "limit").lower() == "limit" else "at", slots["price"]]
    if slots.get("reduce_only", "").lower() in ("true", "yes", "1"):
        words.append("reduce only")
    return " ".join(w for w in words if w)


def _json_fields(text: str) -> dict[str, str] | None:
    stripped = text.strip()
    if not (stripped.startswith("{") and stripped.endswith("}")):
        return None
    try:
        # Numbers as the literal text typed (never through float); a repeated key is refused, not last-wins.
        doc: Any = json.loads(stripped, parse_float=str, parse_int=str, object_pairs_hook=_unique)
    except ValueError:
        return None
    if not isinstance(doc, dict) or not all(isinstance(v, str | bool) for v in doc.values()):
        return None
    return {str(k).lower(): (str(v).lower() if isinstance(v, bool) else v) for k, v in doc.items()}


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k.lower() for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("a key is repeated")
    return dict(pairs)
