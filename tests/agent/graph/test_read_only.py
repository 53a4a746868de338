"""Read-only turns with the rules model: a question becomes the same tool call an
LLM would make, the answer quotes the tool's numbers, history persists."""

from __future__ import annotations

import uuid

from agent import ChatSession
from tests.agent.graph.conftest import collect


def _thread() -> str:
    return f"t-{uuid.uuid4().hex[:8]}"


async def test_whats_sol_doing_answers_with_pyth_price_confidence_and_age(read_only_session: ChatSession) -> None:
    events = await collect(read_only_session.send(_thread(), "alice", "what's SOL doing?"))
    types = [e.type for e in events]
    assert types == ["tool_call", "tool_result", "text"]
    call, result, text = events
    assert call.data["name"] == "get_price" and call.data["args"] == {"market": "SOL-PERP"}
    assert result.data["data"]["price"] == "150.12345678" and result.data["data"]["quality"] == "ok"
    assert "SOL-PERP: $150.12 ± $0.0751 (0.050%)" in text.data["text"]
    assert "3s old, quality ok [Pyth via hermes]" in text.data["text"]


async def test_a_stale_price_is_shown_with_its_quality_and_why(read_only_session: ChatSession) -> None:
    events = await collect(read_only_session.send(_thread(), "alice", "price of btc"))
    text = events[-1].data["text"]
    assert "quality stale" in text and "Not tradable now: published 600s ago, limit 60s (over by 540s)" in text


async def test_unknown_text_gets_a_short_answer_with_the_nearest_commands_and_no_tool_call(
        read_only_session: ChatSession) -> None:
    events = await collect(read_only_session.send(_thread(), "alice", "my posishuns"))
    assert [e.type for e in events] == ["text"]
    text = events[0].data["text"]
    assert text.startswith("I didn't catch that offline") and "`my positions`" in text and "`help`" in text
    assert "Commands MIKEY understands offline" not in text and len(text) < 300
    assert "assistant" not in text  # no LLM here: nothing "goes to the assistant"


async def test_help_and_what_can_you_do_show_the_whole_list(read_only_session: ChatSession) -> None:
    for asked in ("help", "what can you do?"):
        events = await collect(read_only_session.send(_thread(), "alice", asked))
        assert [e.type for e in events] == ["text"]
        assert "Commands MIKEY understands offline" in events[0].data["text"]
        assert "MIKEY_MODEL" in events[0].data["text"] and "goes to the assistant" not in events[0].data["text"]


async def test_greetings_and_thanks_get_a_short_friendly_answer(read_only_session: ChatSession) -> None:
    hello = await collect(read_only_session.send(_thread(), "alice", "hey mikey"))
    thanks = await collect(read_only_session.send(_thread(), "alice", "thanks!"))
    assert hello[0].data["text"].startswith("Hi!") and thanks[0].data["text"].startswith("You're welcome")


async def test_history_keeps_the_conversation(read_only_session: ChatSession) -> None:
    thread = _thread()
    await collect(read_only_session.send(thread, "alice", "sol price"))
    history = await read_only_session.history(thread)
    assert [e.type for e in history] == ["text", "tool_call", "tool_result", "text"]
    assert history[0].data == {"role": "user", "text": "sol price"}


async def test_another_user_cannot_write_into_a_thread(read_only_session: ChatSession) -> None:
    thread = _thread()
    await collect(read_only_session.send(thread, "alice", "sol price"))
    events = await collect(read_only_session.send(thread, "mallory", "sol price"))
    assert [e.type for e in events] == ["error"]
    assert "belongs to another user" in events[0].data["message"]


async def test_approving_when_nothing_waits_is_an_error_not_an_action(read_only_session: ChatSession) -> None:
    events = await collect(read_only_session.approve(_thread(), "alice", "ab" * 32))
    assert [e.type for e in events] == ["error"]
