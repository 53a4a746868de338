"""An order with its take-profit and stop-loss in one message: "long 2 sol 5x tp 200 sl 150".

The triggers are reduce-only orders on the position the order opens, so they cannot be
prepared before it exists (the exchange has nothing to reduce yet). One at a time: the
order becomes the ticket, and the reply says which trigger commands to send once it fills,
with the trader's own prices, exactly as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from agent.parser._normalize import normalize

__all__ = ["AttachedTriggers", "attached_triggers", "one_at_a_time"]

_TRIGGER: Final = re.compile(r"(?:,\s*|\band\s+|\bwith\s+(?:a\s+)?)?"
                             r"\b(?P<kind>tp|take[ -]?profit|sl|stop[ -]?loss|stop)"
                             r"\s*(?:at\s*|@\s*|=\s*|:\s*)?(?P<price>\$?\d[\d,]*(?:\.\d+)?k?)(?![\w.])")


@dataclass(frozen=True)
class AttachedTriggers:
    """The order's own text, and the triggers typed with it: (``take_profit``/``stop_loss``, price as typed)."""

    order_text: str
    triggers: tuple[tuple[str, str], ...]


def attached_triggers(text: str) -> AttachedTriggers | None:
    """The order and its triggers, when ``text`` is an order followed by a tp and/or sl; else None."""
    lowered = normalize(text)
    found = list(_TRIGGER.finditer(lowered))
    if not found or found[0].start() == 0:
        return None  # "sl sol 140" alone is a stop, not an order with one attached
    triggers = tuple(("take_profit" if m.group("kind").startswith("t") else "stop_loss", m.group("price").lstrip("$"))
                     for m in found)
    if len({kind for kind, _ in triggers}) != len(triggers):
        return None  # two take-profits: not one reading
    rest = _TRIGGER.sub(" ", lowered)
    return AttachedTriggers(" ".join(rest.split()).strip(" ,"), triggers)


def one_at_a_time(found: AttachedTriggers, market: str) -> str:
    """What the trader sends after the order fills, one trigger per message."""
    base = market.removesuffix("-PERP").lower()
    commands = [f"`{'take profit' if kind == 'take_profit' else 'stop loss'} {base} at {price}`"
                for kind, price in found.triggers]
    names = " and ".join(f"{'take-profit' if kind == 'take_profit' else 'stop-loss'} at {price}"
                         for kind, price in found.triggers)
    are = "are reduce-only orders" if len(commands) > 1 else "is a reduce-only order"
    each = "each is its own ticket" if len(commands) > 1 else "it is its own ticket"
    return (f"One at a time: this ticket is the order only. Its {names} {are} on the position it opens, so "
            f"{each} once the order has filled: then say {', then '.join(commands)}.")
