"""The dialogue memory: what turns that left the window leave behind for follow-ups.

A left fold over messages, bounded whatever the thread's length (DialogueMemory in
agent/state.py). The parser reads it through the follow-up Context
(agent.parser._followups.context_from), which gives the same answer from the memory
plus the window as from the whole conversation: it only ever asks for the last
call of a kind, the last market named, the last resting order, and whether the
turn before the newest message prepared a ticket.

The memory reaches a model as a system message at the head of what it is given
(``carrier``): its text is the short summary an LLM reads, its ``additional_kwargs``
the memory the offline model reads (also when it is an LLM's fallback).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Final

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage

from agent.parser import EXECUTED, listed_items
from agent.state import DialogueMemory, ToolUseRecord

__all__ = ["carrier", "fold", "memory_in", "summary"]

_KEY: Final = "mikey_dialogue"
_REQUESTS_KEPT: Final = 5
_REQUEST_CHARS: Final = 200
_TICKETS_KEPT: Final = 5  # prepared tickets remembered, to know what a later execution filled


def _text(message: BaseMessage) -> str:
    content = message.content
    if isinstance(content, str):
        return content
    return " ".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)


def _bounded_uses(uses: Sequence[ToolUseRecord]) -> list[ToolUseRecord]:
    """Each tool's last call and its last call naming a market, in conversation order; of the marks of
    executed tickets, what the parser's context reads from them: per market the last that opened or wholly
    closed a position (the positions opened in the thread), the last order that filled, and the last order
    that left an order resting."""
    last: set[str] = set()
    last_with_market: set[str] = set()
    executed_markets: set[str] = set()
    order_seen = resting_seen = False
    kept: list[ToolUseRecord] = []
    for use in reversed(uses):
        name, args = use["name"], use["args"]
        if name == EXECUTED:
            market, tool = str(args.get("market")), args.get("tool")
            moves_position = tool == "prepare_order" or (
                tool == "prepare_close" and not (args.get("fraction") or args.get("size")))
            keep = ((moves_position and market not in executed_markets)
                    or (tool == "prepare_order" and not order_seen)
                    or (tool == "prepare_order" and bool(args.get("resting_order")) and not resting_seen))
            if moves_position:
                executed_markets.add(market)
            order_seen = order_seen or tool == "prepare_order"
            resting_seen = resting_seen or (tool == "prepare_order" and bool(args.get("resting_order")))
        else:
            has_market = bool(args.get("market"))
            keep = name not in last or (has_market and name not in last_with_market)
            last.add(name)
            if has_market:
                last_with_market.add(name)
        if keep:
            kept.append(use)
    return kept[::-1]


def _executed_mark(execution: dict[str, Any], tickets: dict[str, dict[str, Any]]) -> ToolUseRecord | None:
    """The mark an approved ticket that ran leaves among the uses (its params, tool and resting order)."""
    params = tickets.get(str(execution.get("ticket_hash")))
    if not execution.get("ok") or params is None:
        return None
    resting = [e.get("order_id") for e in (execution.get("data") or {}).get("events", []) or []
               if isinstance(e, dict) and e.get("type") == "OrderPlaced" and e.get("resting")]
    return ToolUseRecord(name=EXECUTED, args={**params, "resting_order": str(resting[-1]) if resting else None})


def _resting(execution: dict[str, Any]) -> bool:
    events = (execution.get("data") or {}).get("events", []) or []
    return any(e.get("type") == "OrderPlaced" and e.get("resting") for e in events if isinstance(e, dict))


def _bounded_executions(executions: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The last execution and the last that left an order resting, in conversation order."""
    if not executions:
        return []
    resting = next((i for i in range(len(executions) - 1, -1, -1) if _resting(executions[i])), None)
    picked = sorted({len(executions) - 1, *(() if resting is None else (resting,))})
    return [executions[i] for i in picked]


def fold(memory: DialogueMemory | None, messages: Sequence[BaseMessage]) -> DialogueMemory:
    """``memory`` with ``messages`` (in conversation order) folded in."""
    uses = list((memory or {}).get("uses", []))
    executions = list((memory or {}).get("executions", []))
    ticket_prepared = (memory or {}).get("ticket_prepared", False)
    turns = (memory or {}).get("turns", 0)
    requests = list((memory or {}).get("requests", []))
    tickets = dict((memory or {}).get("tickets", {}))  # ticket hash -> its params and tool
    asked_about = (memory or {}).get("asked_about")
    asked, only_questions = None, False  # the last trader message; whether only questions answered it so far
    for message in messages:
        plain = (isinstance(message, AIMessage) and not message.tool_calls
                 and "execution" not in message.additional_kwargs)
        if isinstance(message, HumanMessage):
            asked, only_questions, asked_about = _text(message), True, None
        elif plain:
            only_questions = only_questions and "?" in _text(message)
            asked_about = asked if only_questions else None
        else:
            asked, only_questions, asked_about = None, False, None
        if isinstance(message, HumanMessage):
            ticket_prepared = False
            turns += 1
            requests = [*requests, _text(message)[:_REQUEST_CHARS]][-_REQUESTS_KEPT:]
        elif isinstance(message, AIMessage):
            uses.extend(ToolUseRecord(name=c["name"], args=dict(c.get("args") or {})) for c in message.tool_calls)
            execution = message.additional_kwargs.get("execution")
            if isinstance(execution, dict):
                executions.append(execution)
                ticket_prepared = False  # approved (or refused) already: nothing is waiting
                mark = _executed_mark(execution, tickets)
                if mark is not None:
                    uses.append(mark)
        elif isinstance(message, ToolMessage):
            artifact = message.artifact if isinstance(message.artifact, dict) else None
            ticket_prepared = message.status != "error" and artifact is not None and "ticket" in artifact
            if artifact is None:
                continue
            listed = listed_items(message.name or "", artifact)
            if listed is not None:  # the thread's own alerts/orders, shown to this trader: "cancel the btc one"
                uses.append(ToolUseRecord(name=listed.name, args=dict(listed.args)))
            ticket = artifact.get("ticket")
            if isinstance(ticket, dict) and ticket.get("ticket_hash"):
                tickets[str(ticket["ticket_hash"])] = {**(ticket.get("params") or {}), "tool": ticket.get("tool")}
                tickets = dict(list(tickets.items())[-_TICKETS_KEPT:])
    return DialogueMemory(uses=_bounded_uses(uses), executions=_bounded_executions(executions),
                          ticket_prepared=ticket_prepared, turns=turns, requests=requests, tickets=tickets,
                          asked_about=asked_about)


def summary(memory: DialogueMemory) -> str:
    """A short, factual account of the turns that left the window (for an LLM: nothing invented)."""
    lines = [f"Earlier in this conversation ({memory.get('turns', 0)} turns, no longer shown in full):"]
    requests = memory.get("requests", [])
    if requests:
        lines.append("- the trader's last earlier messages: " + "; ".join(json.dumps(r) for r in requests))
    calls = [use for use in memory.get("uses", []) if not use["name"].startswith("_")]  # not the parser's marks
    for use in calls[-6:]:
        lines.append(f"- MIKEY called {use['name']} {json.dumps(use['args'], default=str, sort_keys=True)}")
    for execution in memory.get("executions", []):
        outcome = "succeeded" if execution.get("ok") else "failed"
        lines.append(f"- an approved ticket {str(execution.get('ticket_hash', ''))[:12]} {outcome}")
    return "\n".join(lines)


def carrier(memory: DialogueMemory | None) -> list[SystemMessage]:
    """The memory as the message that leads a model's input; none while nothing has left the window."""
    if not memory or not memory.get("turns"):
        return []
    return [SystemMessage(summary(memory), additional_kwargs={_KEY: memory})]


def memory_in(messages: Sequence[BaseMessage]) -> tuple[DialogueMemory | None, Sequence[BaseMessage]]:
    """The memory a model's input carries (among its leading system messages), and the conversation after."""
    memory: DialogueMemory | None = None
    start = 0
    while start < len(messages) and isinstance(messages[start], SystemMessage):
        carried = messages[start].additional_kwargs.get(_KEY)
        if isinstance(carried, dict):
            memory = DialogueMemory(**carried)  # type: ignore[typeddict-item]
        start += 1
    return memory, messages[start:]
