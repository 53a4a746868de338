"""What a conversation so far refers to (its dialogue context), and the edit of an earlier request.

Shared by the follow-up rules (:mod:`agent.parser._followups`) and the partial-order edits
(:mod:`agent.parser._partial_edit`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from agent.parser._result import Ambiguous, Parsed, build, calls

__all__ = ["Context", "Reply", "ToolUse", "again", "bare_number", "need_order"]


@dataclass(frozen=True)
class ToolUse:
    name: str
    args: Mapping[str, Any]


@dataclass(frozen=True)
class Context:
    """What the conversation so far refers to."""

    last_order: ToolUse | None = None     # the last order, quote or risk check asked for
    last_tool: ToolUse | None = None      # the last tool call of any kind
    last_market: str | None = None
    ticket_set_aside: bool = False        # a ticket was waiting when this message arrived
    resting_order: str | None = None      # the id of the last order placed to rest
    # The last thing shown or made that "it"/"that one" can mean: ("alert", id), ("order", id), or
    # ("alerts"/"orders", None) when a list of several was shown (then "the btc one" picks among ``listed``).
    referent: tuple[str, str | None] | None = None
    listed: tuple[tuple[str, str | None], ...] = ()   # (id, market) of the last list shown
    filled_order: bool = False            # the last order asked for was approved and ran
    filled_markets: tuple[str, ...] = ()  # markets this conversation opened positions in (and did not close)
    asked_about: str | None = None        # the trader's previous message, which MIKEY answered with a question


@dataclass(frozen=True)
class Reply:
    """A plain answer, no tool call."""

    text: str


def need_order(ctx: Context) -> ToolUse | Ambiguous:
    if ctx.last_order is None:
        return Ambiguous("nothing to refer to", "Which order do you mean? Say it in full, e.g. 'long 2 SOL 5x'.")
    return ctx.last_order


def again(use: ToolUse, **changes: Any) -> Parsed:
    args = {k: v for k, v in use.args.items() if v is not None}
    args.update({k: v for k, v in changes.items()})
    args = {k: v for k, v in args.items() if v is not None}
    return calls(build(use.name, "Please say the whole order, e.g. 'long 2 SOL 5x'.", **args))


def bare_number(use: ToolUse, number: Any) -> Parsed:
    """A number said alone as an edit of ``use`` ("make it 2950"): the price of a resting order, else asked
    (it could be the size, the price or the leverage)."""
    if use.args.get("order_type") in ("limit", "stop_loss", "take_profit"):
        return again(use, price=Decimal(str(number)))
    return Ambiguous("a number without what it is", f"Is {number} the size, the price or the leverage?")
