"""/v1/chat/completions driven by the official openai client, as voice stacks
and bots call it: streaming and not, a thread header, a client that re-sends the
whole history each time, client tools ignored, usage on request."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from openai import AuthenticationError, OpenAI

from tests.interfaces.api.conftest import ApiWorld
from tests.interfaces.api.test_auth import error


@pytest.fixture
def openai_client(api: ApiWorld, alice: str) -> Iterator[OpenAI]:
    with OpenAI(api_key=alice, base_url=f"{api.base}/v1", max_retries=0) as client:
        yield client


def user_messages(api: ApiWorld, thread: str) -> list[str]:
    with api.client(api.key("alice")) as client:
        view = client.get(f"/v1/threads/{thread}").json()
    return [m["content"] for m in view["messages"] if m["role"] == "user"]


def test_a_completion_answers_in_the_thread_the_header_names(api: ApiWorld, openai_client: OpenAI) -> None:
    answer = openai_client.chat.completions.create(
        model="mikey", messages=[{"role": "user", "content": "what's SOL doing?"}],
        extra_headers={"X-Mikey-Thread-Id": "oa-plain"})
    assert answer.object == "chat.completion" and answer.model == "mikey"
    assert answer.choices[0].finish_reason == "stop" and answer.choices[0].message.role == "assistant"
    assert "SOL-PERP: $146.78" in answer.choices[0].message.content
    assert answer.usage is not None and answer.usage.total_tokens > 0
    assert user_messages(api, "oa-plain") == ["what's SOL doing?"]


def test_a_streamed_completion_is_chunks_ending_in_done_with_usage_when_asked(api: ApiWorld,
                                                                              openai_client: OpenAI) -> None:
    chunks = list(openai_client.chat.completions.create(
        model="mikey", stream=True, stream_options={"include_usage": True},
        messages=[{"role": "user", "content": "price btc"}], extra_headers={"X-Mikey-Thread-Id": "oa-stream"},
        tools=[{"type": "function", "function": {"name": "hang_up", "parameters": {"type": "object"}}}],
        tool_choice="auto", temperature=0.2))
    assert {c.object for c in chunks} == {"chat.completion.chunk"}
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert "BTC-PERP: $95,000.00" in text
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].choices == [] and chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0
    assert not any(c.choices and c.choices[0].delta.tool_calls for c in chunks)  # client tools are ignored


def test_the_raw_stream_ends_with_data_done(api: ApiWorld, alice: str) -> None:
    with api.client(alice) as client, client.stream("POST", "/v1/chat/completions", json={
            "model": "x", "stream": True, "messages": [{"role": "user", "content": "price eth"}]}) as response:
        lines = [line for line in response.iter_lines() if line]
    assert lines[-1] == "data: [DONE]" and all(line.startswith("data: ") for line in lines)


def test_a_client_that_resends_the_history_does_not_repeat_it(api: ApiWorld, openai_client: OpenAI) -> None:
    history: list[dict[str, str]] = []
    for said in ("price sol", "price btc", "price eth"):
        history.append({"role": "user", "content": said})
        reply = openai_client.chat.completions.create(model="mikey", messages=[
            {"role": "system", "content": "You are a voice assistant."}, *history], user="oa-history")
        history.append({"role": "assistant", "content": reply.choices[0].message.content or ""})
    assert user_messages(api, "oa-history") == ["price sol", "price btc", "price eth"]
    assert "ETH-PERP" in history[-1]["content"]


def test_a_ticket_is_announced_in_one_sentence_saying_how_to_approve(api: ApiWorld, openai_client: OpenAI) -> None:
    reply = openai_client.chat.completions.create(
        model="mikey", messages=[{"role": "user", "content": "long 1 SOL 2x"}],
        extra_headers={"X-Mikey-Thread-Id": "oa-ticket"})
    content = reply.choices[0].message.content or ""
    with api.client(api.key("alice")) as client:
        pending = client.get("/v1/threads/oa-ticket").json()["pending_ticket"]
    announcement = content.split("\n\n")[-1]
    assert announcement.count(". ") == 0 and announcement.endswith(".")
    assert f"POST /v1/tickets/{pending['ticket_hash']}/approve" in announcement
    assert "Long 1 SOL-PERP at market, 2x" in announcement


def test_bad_requests_get_the_api_error_shape(api: ApiWorld, alice: str) -> None:
    with api.client(alice) as client:
        assert error(client.post("/v1/chat/completions", json={"messages": []}), 422, "invalid_request")
        only_system = {"messages": [{"role": "system", "content": "hi"}]}
        assert error(client.post("/v1/chat/completions", json=only_system), 422, "no_user_message")
        bad_thread = client.post("/v1/chat/completions", headers={"X-Mikey-Thread-Id": "has space"},
                                 json={"messages": [{"role": "user", "content": "hi"}]})
        assert error(bad_thread, 422, "invalid_thread")
    with OpenAI(api_key="qd_wrong", base_url=f"{api.base}/v1", max_retries=0) as wrong, \
            pytest.raises(AuthenticationError, match="not valid or was revoked"):
        wrong.chat.completions.create(model="mikey", messages=[{"role": "user", "content": "hi"}])
