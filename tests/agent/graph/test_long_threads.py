"""A thread open all day (issue #19): the graph's state keeps a window of whole
turns and a dialogue memory, history reads the transcript, a thread keeps one
checkpoint; a pending ticket, follow-ups and a restart behave as in a short thread."""

from __future__ import annotations

import uuid

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from agent import RULES_WINDOW_TURNS, ChatSession, build_graph, open_checkpointer
from tests.agent.graph.conftest import TradeWorld, collect, last_ticket


def _thread() -> str:
    return f"lt-{uuid.uuid4().hex[:8]}"


async def _state(session: ChatSession, thread: str) -> dict:
    return (await session._graph.aget_state({"configurable": {"thread_id": thread}})).values


async def _turns(session: ChatSession, thread: str, texts: list[str]) -> None:
    for text in texts:
        events = await collect(session.send(thread, "alice", text))
        assert not [e for e in events if e.type == "error"], [e.to_json() for e in events]


def _checkpoints(trade: TradeWorld, thread: str) -> int:
    with trade.paper.db.pool.connection() as conn:
        row = conn.execute("SELECT count(*) FROM checkpoints WHERE thread_id = %s", (thread,)).fetchone()
    assert row is not None
    return int(row[0])


async def test_the_state_keeps_whole_recent_turns_and_one_checkpoint(trade: TradeWorld) -> None:
    thread = _thread()
    await _turns(trade.session, thread, ["price of sol", "long 1 sol 2x", "my orders", "price of btc"] * 3)
    messages = (await _state(trade.session, thread))["messages"]
    assert isinstance(messages[0], HumanMessage)
    assert sum(isinstance(m, HumanMessage) for m in messages) == RULES_WINDOW_TURNS
    calls = {c["id"] for m in messages if isinstance(m, AIMessage) for c in m.tool_calls}
    results = {m.tool_call_id for m in messages if isinstance(m, ToolMessage)}
    assert results <= calls and calls <= results  # no result without its call, no call without its result
    assert _checkpoints(trade, thread) == 1


async def test_history_returns_every_message_in_order_after_the_window_moved(trade: TradeWorld) -> None:
    thread = _thread()
    said = [f"price of {m}" for m in ("sol", "btc", "eth", "sol", "btc", "eth", "sol", "btc")]
    await _turns(trade.session, thread, said)
    history = await trade.session.history(thread)
    assert [e.data["text"] for e in history if e.type == "text" and e.data["role"] == "user"] == said
    assert [e.type for e in history] == ["text", "tool_call", "tool_result", "text"] * len(said)
    markets = [e.data["args"]["market"] for e in history if e.type == "tool_call"]
    assert markets == ["SOL-PERP", "BTC-PERP", "ETH-PERP"] * 2 + ["SOL-PERP", "BTC-PERP"]
    for call, result in zip(history[1::4], history[2::4], strict=True):
        assert call.data["id"] == result.data["id"]


async def test_double_it_resolves_to_an_order_that_left_the_window(trade: TradeWorld) -> None:
    thread = _thread()
    last_ticket(await collect(trade.session.send(thread, "alice", "long 0.01 btc 5x")))
    await _turns(trade.session, thread, ["my orders"] * (RULES_WINDOW_TURNS + 2))
    state = await _state(trade.session, thread)
    assert not any(isinstance(m, AIMessage) and any(c["name"] == "prepare_order" for c in m.tool_calls)
                   for m in state["messages"]), "the order must have left the window for this test to mean anything"
    doubled = last_ticket(await collect(trade.session.send(thread, "alice", "double it")))
    assert (doubled["market"], doubled["params"]["size"], doubled["params"]["leverage"]) == ("BTC-PERP", "0.02", "5")


async def test_close_it_resolves_to_a_fill_that_left_the_window(trade: TradeWorld) -> None:
    thread = _thread()
    placed = last_ticket(await collect(trade.session.send(thread, "alice", "long 1 sol 2x")))
    done = await collect(trade.session.approve(thread, "alice", placed["ticket_hash"]))
    assert any(e.type == "execution" and e.data["ok"] for e in done)
    await _turns(trade.session, thread, ["my orders"] * (RULES_WINDOW_TURNS + 2))
    close = last_ticket(await collect(trade.session.send(thread, "alice", "close it")))
    assert (close["kind"], close["market"]) == ("close", "SOL-PERP")


async def test_cancel_that_still_knows_a_ticket_was_set_aside(trade: TradeWorld) -> None:
    thread = _thread()
    await _turns(trade.session, thread, ["price of sol"] * (RULES_WINDOW_TURNS + 2))
    last_ticket(await collect(trade.session.send(thread, "alice", "long 1 sol 2x")))
    events = await collect(trade.session.send(thread, "alice", "cancel that"))
    assert "nothing was sent" in events[-1].data["text"].lower()
    assert await trade.session.pending_ticket(thread) is None


async def _pending_ticket_survives_a_restart(trade: TradeWorld, earlier_turns: int) -> None:
    thread = _thread()
    await _turns(trade.session, thread, ["price of sol", "my orders"] * (earlier_turns // 2))
    ticket = last_ticket(await collect(trade.session.send(thread, "alice", "long 2 sol 5x")))
    assert _checkpoints(trade, thread) == 1
    async with open_checkpointer(trade.paper.db) as saver:  # a new process: new graph, same database
        again = ChatSession(build_graph(trade.deps, saver), trade.audit, trade.deps.clock)
        assert (await again.pending_ticket(thread))["ticket_hash"] == ticket["ticket_hash"]
        done = await collect(again.approve(thread, "alice", ticket["ticket_hash"]))
        assert next(e for e in done if e.type == "execution").data["ok"] is True
        history = await again.history(thread)
    assert sum(e.type == "text" and e.data["role"] == "user" for e in history) == earlier_turns + 1
    assert history[-1].type == "execution"


async def test_a_pending_ticket_survives_a_restart_after_a_dozen_earlier_turns(trade: TradeWorld) -> None:
    await _pending_ticket_survives_a_restart(trade, 12)


@pytest.mark.slow
@pytest.mark.timeout(900)  # 1,000 real turns: ~85 s on a loaded 2-core machine
async def test_a_pending_ticket_survives_a_restart_after_1000_earlier_turns(trade: TradeWorld) -> None:
    await _pending_ticket_survives_a_restart(trade, 1000)


async def test_a_thread_from_before_the_transcript_keeps_its_history(trade: TradeWorld) -> None:
    """Migration 0016: a thread whose messages are all in its checkpoint (no transcript rows, no
    dialogue memory) has them copied to the transcript before its window first moves."""
    thread = _thread()
    old = []
    for market in ("SOL-PERP", "BTC-PERP", "ETH-PERP", "SOL-PERP"):
        call = {"id": f"call-{uuid.uuid4().hex[:8]}", "name": "get_price", "args": {"market": market}}
        old += [HumanMessage(f"old question on {market}"), AIMessage("", tool_calls=[call]),
                ToolMessage(f"{market}: old price", tool_call_id=call["id"], name="get_price"),
                AIMessage(f"{market}: old price")]
    graph = trade.session._graph
    await graph.aupdate_state({"configurable": {"thread_id": thread}},
                              {"messages": old, "user_id": "alice", "thread_id": thread, "ticket": None,
                               "decision": None}, as_node="agent")
    await _turns(trade.session, thread, ["price of btc", "same on eth"])
    users = [e.data["text"] for e in await trade.session.history(thread) if e.type == "text"
             and e.data["role"] == "user"]
    assert users == [f"old question on {m}" for m in ("SOL-PERP", "BTC-PERP", "ETH-PERP", "SOL-PERP")] + [
        "price of btc", "same on eth"]
    assert len((await _state(trade.session, thread))["messages"]) < len(old)
