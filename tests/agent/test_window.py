"""The window and the dialogue memory on generated conversations: whole turns only
(a tool call is never parted from its result), and the follow-up context read from
memory + window is the one the whole conversation gives."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from agent import carrier, fold, turns_of, window
from agent.models import dialogue_context
from agent.parser import EXECUTED, Context, ToolUse, context_from, listed_items

_TOOLS = ("get_price", "get_orders", "prepare_order", "get_quote", "prepare_close", "get_positions", "list_alerts")
_MARKETS = (None, "SOL-PERP", "BTC-PERP", "ETH-PERP")

_call = st.tuples(st.sampled_from(_TOOLS), st.sampled_from(_MARKETS), st.integers(1, 9), st.booleans())
# A turn: the trader's text, MIKEY's tool calls (each with its result; True: the result is a ticket),
# whether an approved ticket then executed (leaving an order resting or not; the last ticket prepared in
# the thread, or one never seen), and whether MIKEY's answer was a question.
_turn = st.tuples(st.text("abc ", min_size=1, max_size=8), st.lists(_call, max_size=3),
                  st.sampled_from((None, "filled", "resting")), st.booleans(), st.booleans())


def _result(name: str, market: str | None, n: int, is_ticket: bool) -> dict[str, Any]:
    """A tool result's artifact, shaped as the tools return it: a ticket, listed orders or alerts."""
    if is_ticket:
        tool = name if name in ("prepare_order", "prepare_close") else "prepare_order"
        params = {"market": market or "SOL-PERP", **({"fraction": "0.5"} if tool == "prepare_close" and n % 2 else {})}
        return {"ticket": {"ticket_hash": f"h{n}", "tool": tool, "params": params}}
    if name == "get_orders":
        return {"orders": [{"order_id": n, "market": market or "BTC-PERP"}]}
    if name == "list_alerts":
        return {"alerts": [f"#{n}: {market or 'ETH-PERP'} above 1"]}
    return {}


def _conversation(turns: list[Any]) -> list[BaseMessage]:
    messages: list[BaseMessage] = []
    n = 0
    last_ticket = None
    for text, calls, execution, known_ticket, question in turns:
        messages.append(HumanMessage(text, id=f"h{n}"))
        for name, market, size, is_ticket in calls:
            n += 1
            args = {"size": size, **({"market": market} if market else {})}
            messages.append(AIMessage("", id=f"a{n}", tool_calls=[{"id": f"c{n}", "name": name, "args": args}]))
            artifact = _result(name, market, n, is_ticket)
            last_ticket = artifact["ticket"]["ticket_hash"] if is_ticket else last_ticket
            messages.append(ToolMessage("ok", id=f"t{n}", tool_call_id=f"c{n}", name=name, artifact=artifact))
        if execution:
            n += 1
            event = {"type": "OrderPlaced", "order_id": n, "resting": execution == "resting"}
            ticket_hash = last_ticket if known_ticket else "unseen"
            messages.append(AIMessage("done", id=f"e{n}", additional_kwargs={
                "execution": {"ok": True, "ticket_hash": ticket_hash, "data": {"events": [event]}}}))
        messages.append(AIMessage("which market?" if question else "answer", id=f"r{n}"))
        n += 1
    return messages


@settings(max_examples=200, deadline=None)
@given(st.lists(_turn, min_size=1, max_size=12), st.integers(1, 5), st.one_of(st.none(), st.integers(1, 400)))
def test_the_window_is_whole_turns_and_never_parts_a_call_from_its_result(turns: list[Any], max_turns: int,
                                                                         max_tokens: int | None) -> None:
    messages = _conversation(turns)
    cut = window(messages, max_turns=max_turns, max_tokens=max_tokens)
    assert [*cut.dropped, *cut.kept] == messages
    assert cut.kept and isinstance(cut.kept[0], HumanMessage)
    assert turns_of(cut.kept)[-1] == turns_of(messages)[-1]  # the newest turn always
    calls = {c["id"] for m in cut.kept if isinstance(m, AIMessage) for c in m.tool_calls}
    results = {m.tool_call_id for m in cut.kept if isinstance(m, ToolMessage)}
    assert calls == results


def _whole_context(messages: list[BaseMessage]) -> Context:
    """The follow-up context read off the whole conversation, every message (as before windows)."""
    used: list[ToolUse] = []
    executions: list[dict[str, Any]] = []
    tickets: dict[str, Any] = {}
    for message in messages[:-1]:
        if isinstance(message, ToolMessage) and isinstance(message.artifact, dict):
            listed = listed_items(message.name or "", message.artifact)
            if listed is not None:
                used.append(listed)
            ticket = message.artifact.get("ticket")
            if isinstance(ticket, dict) and ticket.get("ticket_hash"):
                tickets[ticket["ticket_hash"]] = {**(ticket.get("params") or {}), "tool": ticket.get("tool")}
        if isinstance(message, AIMessage):
            used.extend(ToolUse(c["name"], c.get("args") or {}) for c in message.tool_calls)
            execution = message.additional_kwargs.get("execution")
            if isinstance(execution, dict):
                executions.append(execution)
                if execution.get("ok") and execution.get("ticket_hash") in tickets:
                    resting = [e.get("order_id") for e in execution["data"]["events"] if e.get("resting")]
                    used.append(ToolUse(EXECUTED, {**tickets[execution["ticket_hash"]],
                                                   "resting_order": str(resting[-1]) if resting else None}))
    waiting = False
    for message in reversed(messages[:-1]):
        if isinstance(message, AIMessage) and "execution" in message.additional_kwargs:
            break
        if isinstance(message, ToolMessage):
            waiting = message.status != "error" and "ticket" in message.artifact
            break
        if isinstance(message, HumanMessage):
            break
    asked = None
    earlier = list(messages[:-1])
    while earlier and isinstance(earlier[-1], AIMessage) and not earlier[-1].tool_calls \
            and "execution" not in earlier[-1].additional_kwargs:
        if "?" not in str(earlier.pop().content):
            break
        if earlier and isinstance(earlier[-1], HumanMessage):
            asked = str(earlier[-1].content)
            break
    return context_from(used, executions, waiting, asked_about=asked)


@settings(max_examples=300, deadline=None)
@given(st.lists(_turn, min_size=1, max_size=14), st.integers(1, 4), st.text("xyz", min_size=1, max_size=5))
def test_memory_and_window_give_the_whole_conversations_context(turns: list[Any], max_turns: int,
                                                                 newest: str) -> None:
    messages = [*_conversation(turns), HumanMessage(newest, id="newest")]
    cut = window(messages, max_turns=max_turns)
    memory = fold(None, cut.dropped)
    assert dialogue_context([*carrier(memory), *cut.kept]) == _whole_context(messages)


def test_the_memory_stays_bounded_however_long_the_thread() -> None:
    turn = ("go", [("get_price", "SOL-PERP", 1, False), ("prepare_order", "BTC-PERP", 2, True)], "resting", True,
            False)
    memory = fold(None, _conversation([turn] * 2000))
    assert memory["turns"] == 2000
    assert len(memory["uses"]) <= 2 * len(_TOOLS) and len(memory["executions"]) <= 2
    assert len(memory["requests"]) <= 5 and len(memory["tickets"]) <= 5
