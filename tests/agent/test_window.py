"""The window and the dialogue memory on generated conversations: whole turns only
(a tool call is never parted from its result), and the follow-up context read from
memory + window is the one the whole conversation gives."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from agent._dialogue import carrier, fold
from agent._window import turns_of, window
from agent.models._rules import _context
from agent.parser._followups import Context, ToolUse, context_from

_TOOLS = ("get_price", "get_orders", "prepare_order", "get_quote", "prepare_close", "get_positions")
_MARKETS = (None, "SOL-PERP", "BTC-PERP", "ETH-PERP")

_call = st.tuples(st.sampled_from(_TOOLS), st.sampled_from(_MARKETS), st.integers(1, 9), st.booleans())
# A turn: the trader's text, MIKEY's tool calls (each with its result; True: the result is a ticket),
# and whether an approved ticket then executed (leaving an order resting or not).
_turn = st.tuples(st.text("abc ", min_size=1, max_size=8), st.lists(_call, max_size=3),
                  st.sampled_from((None, "filled", "resting")))


def _conversation(turns: list[Any]) -> list[BaseMessage]:
    messages: list[BaseMessage] = []
    n = 0
    for text, calls, execution in turns:
        messages.append(HumanMessage(text, id=f"h{n}"))
        for name, market, size, is_ticket in calls:
            n += 1
            args = {"size": size, **({"market": market} if market else {})}
            messages.append(AIMessage("", id=f"a{n}", tool_calls=[{"id": f"c{n}", "name": name, "args": args}]))
            messages.append(ToolMessage("ok", id=f"t{n}", tool_call_id=f"c{n}", name=name,
                                        artifact={"ticket": {}} if is_ticket else {}))
        if execution:
            n += 1
            event = {"type": "OrderPlaced", "order_id": n, "resting": execution == "resting"}
            messages.append(AIMessage("done", id=f"e{n}", additional_kwargs={
                "execution": {"ok": True, "data": {"events": [event]}}}))
        messages.append(AIMessage("answer", id=f"r{n}"))
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
    """The follow-up context read off the whole conversation, every call and execution (as before windows)."""
    used = [ToolUse(c["name"], c.get("args") or {}) for m in messages[:-1] if isinstance(m, AIMessage)
            for c in m.tool_calls]
    executions = [m.additional_kwargs["execution"] for m in messages[:-1]
                  if isinstance(m, AIMessage) and "execution" in m.additional_kwargs]
    waiting = False
    for message in reversed(messages[:-1]):
        if isinstance(message, ToolMessage):
            waiting = message.status != "error" and "ticket" in message.artifact
            break
        if isinstance(message, HumanMessage):
            break
    return context_from(used, executions, waiting)


@settings(max_examples=300, deadline=None)
@given(st.lists(_turn, min_size=1, max_size=14), st.integers(1, 4), st.text("xyz", min_size=1, max_size=5))
def test_memory_and_window_give_the_whole_conversations_context(turns: list[Any], max_turns: int,
                                                                 newest: str) -> None:
    messages = [*_conversation(turns), HumanMessage(newest, id="newest")]
    cut = window(messages, max_turns=max_turns)
    memory = fold(None, cut.dropped)
    assert _context([*carrier(memory), *cut.kept]) == _whole_context(messages)


def test_the_memory_stays_bounded_however_long_the_thread() -> None:
    turn = ("go", [("get_price", "SOL-PERP", 1, False), ("prepare_order", "BTC-PERP", 2, True)], "resting")
    memory = fold(None, _conversation([turn] * 2000))
    assert memory["turns"] == 2000
    assert len(memory["uses"]) <= 2 * len(_TOOLS) and len(memory["executions"]) <= 2
    assert len(memory["requests"]) <= 5
