"""The requests the rules model answers in two steps: it reads the account first (a tool call
carrying the request in ``additional_kwargs``), and prepares the ticket once that read has answered.

* a share of free collateral ("use a quarter of my free collateral"): get_account, then the order;
* a trigger relative to the entry ("sl 10% below entry"): get_positions, then the trigger;
* every position ("close all my positions"): get_positions, then one close ticket at a time.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, ToolCall, ToolMessage

from agent.parser import (
    Ambiguous,
    CollateralSizing,
    EntryRelative,
    ToolCalls,
    build,
    calls,
    sized_order,
    trigger_from_entry,
)

__all__ = ["calling", "close_after_positions", "message_text", "order_after_account", "tool_call",
           "trigger_after_positions"]


def message_text(message: BaseMessage) -> str:
    content = message.content
    if isinstance(content, str):
        return content
    return " ".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)


def tool_call(name: str, args: dict[str, Any]) -> ToolCall:
    return {"name": name, "args": args, "id": f"rules-{uuid.uuid4().hex[:12]}", "type": "tool_call"}


def calling(content: str, calls_: ToolCalls, **kwargs: Any) -> AIMessage:
    """MIKEY's message calling the parsed tools (with ``content`` said alongside)."""
    return AIMessage(content=content, tool_calls=[
        tool_call(c.name, c.args.model_dump(mode="json", exclude_defaults=True)) for c in calls_.calls], **kwargs)


def _answered(messages: Sequence[BaseMessage], key: str,
              tool: str) -> tuple[dict[str, Any], dict[str, Any], bool] | None:
    """The request MIKEY set aside under ``key`` until ``tool`` answered, with that answer's data and whether it
    succeeded (else None: this is not the answer to such a request)."""
    results = [m for m in reversed(messages) if isinstance(m, ToolMessage)][:1]
    asking = _issuer(messages)
    pending = asking.additional_kwargs.get(key) if asking is not None else None
    if not pending or not results or results[0].name != tool:
        return None
    data = results[0].artifact if isinstance(results[0].artifact, dict) else {}
    return pending, data, results[0].status != "error"


def _issuer(messages: Sequence[BaseMessage]) -> AIMessage | None:
    """The AI message whose tool calls the trailing tool results answer."""
    for message in reversed(messages):
        if isinstance(message, ToolMessage):
            continue
        return message if isinstance(message, AIMessage) else None
    return None


def trigger_after_positions(messages: Sequence[BaseMessage]) -> AIMessage | None:
    """The stop or take-profit asked relative to the entry, once get_positions has answered (else None)."""
    answered = _answered(messages, "entry_relative", "get_positions")
    if answered is None:
        return None
    pending, data, ok = answered
    row = next((r for r in data.get("positions") or [] if isinstance(r, dict) and r.get("market") == pending["market"]),
               None)
    if not ok or row is None or row.get("entry_price") is None:
        return AIMessage(content=f"You have no {pending['market']} position, so there is no entry to set it from.")
    asked = EntryRelative(pending["kind"], Decimal(pending["percent"]), bool(pending["above"]), pending["market"])
    found = trigger_from_entry(asked, str(row.get("side")), Decimal(str(row["entry_price"])))
    if isinstance(found, str):
        return AIMessage(content=found)
    price, note = found
    built = calls(build("prepare_order", "Say the trigger price, e.g. 'stop loss sol at 140'.",
                        market=pending["market"], side=None, order_type=pending["kind"], price=price,
                        reduce_only=True, whole_position=True))
    if isinstance(built, Ambiguous):
        return AIMessage(content=f"{note} {built.question}")
    return calling(note, built)


def order_after_account(messages: Sequence[BaseMessage]) -> AIMessage | None:
    """The order a collateral share asked for, once get_account has answered (else None)."""
    answered = _answered(messages, "collateral_sizing", "get_account")
    if answered is None:
        return None
    pending, data, ok = answered
    free = (data.get("account") or {}).get("free_collateral")
    if not ok or free is None:
        return AIMessage(content="I could not read your free collateral, so I did not size the order. "
                                 "Say the size, e.g. 'long 2 sol 2x'.")
    fields = dict(pending["fields"])
    fields["reduce_only"] = fields.get("reduce_only") == "True"
    sizing = CollateralSizing(Decimal(pending["share"]), {**fields, "leverage": Decimal(fields["leverage"])})
    args, note = sized_order(sizing, Decimal(str(free)))
    built = calls(build("prepare_order", "Say the size, e.g. 'long 2 sol 2x'.", **args))
    if isinstance(built, Ambiguous):
        return AIMessage(content=f"{note} {built.question}")
    return calling(note, built)


def close_after_positions(messages: Sequence[BaseMessage]) -> AIMessage | None:
    """The close of the first open position a close-all asked for, once get_positions has answered
    (else None). One ticket at a time: the note names the positions that remain, and saying
    `close all` again after it prepares the next."""
    answered = _answered(messages, "close_all", "get_positions")
    if answered is None:
        return None
    pending, data, ok = answered
    rows = data.get("positions")
    if not ok or rows is None:
        return AIMessage(content="I could not read your positions, so I closed nothing. Try again, or close one "
                                 "by name, e.g. 'close my SOL'.")
    side = pending.get("side")
    open_rows = [r for r in rows if isinstance(r, dict) and r.get("market") and side in (None, r.get("side"))]
    which = f"{side} positions" if side else "positions"
    if not open_rows:
        return AIMessage(content=f"You have no open {which}: there is nothing to close.")
    listed = [f"{r['market']} ({r.get('side')} {r.get('size')})" for r in open_rows]
    first = open_rows[0]["market"]
    built = calls(build("prepare_close", "Say which position to close, e.g. 'close my SOL'.", market=first))
    if isinstance(built, Ambiguous):
        return AIMessage(content=built.question)
    if len(open_rows) == 1:
        return calling(f"Your only open {which[:-1]} is {listed[0]}; here is its close.", built)
    rest = ", ".join(r["market"] for r in open_rows[1:])
    return calling(f"You hold {len(open_rows)} open {which}: {', '.join(listed)}. I close one per ticket, so here is "
                   f"{first} first; once it is done, say `close all` again for {rest}.", built)
