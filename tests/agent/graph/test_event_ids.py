"""Each of MIKEY's messages is its own text event (or chunks sharing one id while
an LLM streams), so an interface never runs two messages together."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent import ChatSession, GraphDeps, build_graph, open_checkpointer
from agent.models import provider_chat_model
from tests.agent.graph.conftest import TradeWorld, collect
from tests.conftest import make_settings
from tests.doubles.loopback import serve
from tests.doubles.openai_chat import ChatDouble, Reply


async def test_a_cancelled_ticket_and_the_next_answer_are_two_messages(trade: TradeWorld) -> None:
    thread = f"t-{uuid.uuid4().hex[:8]}"
    await collect(trade.session.send(thread, "alice", "long 1 SOL 2x"))
    events = await collect(trade.session.send(thread, "alice", "my orders"))
    texts = [e.data for e in events if e.type == "text"]
    assert [t["text"].split(" ")[0] for t in texts] == ["Ticket", "No"], texts
    assert texts[0]["text"].endswith("Nothing was sent.")
    assert texts[0]["id"] and texts[1]["id"] and texts[0]["id"] != texts[1]["id"]


def chatty(_body: dict) -> Reply:
    return Reply(content="SOL has been quiet this hour.")


@pytest.fixture
def llm_url() -> Iterator[str]:
    with serve(ChatDouble(script=chatty).app()) as url:
        yield url + "/v1"


async def test_a_streamed_answers_chunks_share_one_id(trade: TradeWorld, llm_url: str, tmp_path: Path) -> None:
    llm = provider_chat_model(make_settings(tmp_path, mikey_model="openai:gpt-test", llm_base_url=llm_url,
                                            llm_api_key="test-key"))
    base = trade.deps
    deps = GraphDeps(toolbox=base.toolbox, tickets=base.tickets, audit=base.audit, clock=base.clock, llm=llm)
    async with open_checkpointer(trade.paper.db) as saver:
        session = ChatSession(build_graph(deps, saver), deps.audit, deps.clock)
        events = await collect(session.send("t-chunks", "alice", "how is sol doing lately, in your view?"))
    chunks = [e.data for e in events if e.type == "text"]
    assert len(chunks) > 1 and "".join(c["text"] for c in chunks).strip() == "SOL has been quiet this hour."
    assert len({c["id"] for c in chunks}) == 1 and chunks[0]["id"]
