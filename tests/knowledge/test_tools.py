"""The knowledge tools' contract: explain_event takes exactly one event, a ticket is at
least 8 hex characters, and a search before indexing says what to do."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from knowledge import KnowledgeStore, OnnxEmbedder, Retriever
from quantdesk.db import Database
from tools import Toolbox, ToolContext, search_knowledge
from tools.schemas import ExplainEventArgs

CTX = ToolContext(user_id="alice", thread_id="t-1", now=datetime(2026, 12, 1, tzinfo=UTC))


@pytest.mark.parametrize(("fields", "message"), [
    ({}, "give exactly one of order_id, ticket or which"),
    ({"order_id": 3, "which": "last_order"}, "give exactly one of"),
    ({"ticket": "abc123"}, "at least its first 8 hex characters"),
    ({"ticket": "zzzzzzzzzz"}, "at least its first 8 hex characters"),
    ({"order_id": -1}, "order ids are numbers from 0"),
    ({"which": "last_withdrawal"}, "last_order"),
])
def test_explain_event_takes_exactly_one_well_formed_event(fields: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ExplainEventArgs(**fields)


def test_a_ticket_prefix_or_an_order_number_is_accepted() -> None:
    assert ExplainEventArgs(ticket="3F9A2B7C").ticket == "3F9A2B7C"
    assert ExplainEventArgs(order_id=0).order_id == 0


async def test_a_search_before_indexing_says_how_to_index(fresh_database: Database, embedder: OnnxEmbedder) -> None:
    toolbox = Toolbox({"search_knowledge": search_knowledge(Retriever(KnowledgeStore(fresh_database.pool), embedder))})
    outcome = await toolbox.call("search_knowledge", {"query": "funding"}, CTX)
    assert outcome.error and "Run `quantdesk knowledge index`" in outcome.text
    assert outcome.data["results"] == []
