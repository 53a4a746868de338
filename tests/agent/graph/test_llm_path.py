"""The LLM path through the real OpenAI client and a chat-completions double:
a scripted model drives a whole trade (natural language the parser does not
take), and a failing provider falls back to the offline parser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agent import ChatSession, GraphDeps, build_graph, open_checkpointer
from agent.models import provider_chat_model
from tests.agent.graph.conftest import TradeWorld, collect
from tests.conftest import make_settings
from tests.doubles.loopback import serve
from tests.doubles.openai_chat import ChatDouble, Reply


def scripted_trader(body: dict) -> Reply:
    if not any(m["role"] == "tool" for m in body["messages"]):
        return Reply(tool_calls=(("prepare_order", {"market": "SOL-PERP", "side": "long", "size": 2,
                                                    "leverage": 5}),))
    return Reply(content="Here is your ticket: long 2 SOL-PERP at 5x. Approve it if it looks right.")


@pytest.fixture
def llm_url(request: pytest.FixtureRequest) -> Iterator[tuple[ChatDouble, str]]:
    chat = ChatDouble(script=request.param)
    with serve(chat.app()) as url:
        yield chat, url + "/v1"


async def _session(trade: TradeWorld, url: str, tmp_path: Path):  # noqa: ANN202
    llm = provider_chat_model(make_settings(tmp_path, mikey_model="openai:gpt-test", llm_base_url=url,
                                            llm_api_key="test-key"))
    base = trade.deps
    return GraphDeps(toolbox=base.toolbox, tickets=base.tickets, audit=base.audit, clock=base.clock,
                     executor=base.executor, llm=llm)


@pytest.mark.parametrize("llm_url", [scripted_trader], indirect=True)
async def test_a_scripted_model_drives_a_whole_trade(trade: TradeWorld, llm_url: tuple[ChatDouble, str],
                                                     tmp_path: Path) -> None:
    chat, url = llm_url
    deps = await _session(trade, url, tmp_path)
    async with open_checkpointer(trade.paper.db) as saver:
        session = ChatSession(build_graph(deps, saver), deps.audit, deps.clock)
        events = await collect(session.send("t-llm", "alice", "I'd like to go long two sol at five times leverage"))
        ticket = next(e for e in events if e.type == "ticket").data["ticket"]
        assert ticket["summary"] == "Long 2 SOL-PERP at market, 5x"
        assert chat.requests[0]["messages"][0]["role"] == "system"  # the system prompt file
        done = await collect(session.approve("t-llm", "alice", ticket["ticket_hash"]))
    assert next(e for e in done if e.type == "execution").data["ok"] is True


def provider_down(_body: dict) -> Reply:
    return Reply(status=503, content="overloaded")


@pytest.mark.parametrize("llm_url", [provider_down], indirect=True)
async def test_a_failing_provider_falls_back_to_the_parser(trade: TradeWorld, llm_url: tuple[ChatDouble, str],
                                                           tmp_path: Path) -> None:
    chat, url = llm_url
    deps = await _session(trade, url, tmp_path)
    async with open_checkpointer(trade.paper.db) as saver:
        session = ChatSession(build_graph(deps, saver), deps.audit, deps.clock)
        events = await collect(session.send("t-down", "alice", "tell me something about sol please"))
    assert chat.requests, "the provider was tried first"
    assert events[-1].type == "text" and "I didn't catch that offline" in events[-1].data["text"]
