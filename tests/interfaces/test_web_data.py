"""The web page's conversation history: Chainlit's data layer over our own tables
(migration 0012), on the real database, called as Chainlit calls it (inside a
signed-in session's context). Threads belong to their first writer and nobody
else writes to them; ticket cards are rebuilt from the ticket store when read."""

from __future__ import annotations

import inspect
import re
import tomllib
import uuid
from importlib.metadata import version
from typing import Any

import pytest
from chainlit.context import init_http_context
from chainlit.data.base import BaseDataLayer
from chainlit.element import CustomElement, Text
from chainlit.types import Pagination, ThreadFilter
from chainlit.user import User

from interfaces import WebDataLayer
from quantdesk.db import Database
from tests.conftest import REPO

USERS = {"alice", "bob"}


def _card(ticket_hash: str, owner: str) -> dict[str, Any] | None:
    """The ticket store's answer, as app.py builds it: a card only for a ticket of the thread's owner."""
    return {"hash": ticket_hash, "status": "filled", "stamp": "FILLED"} if ticket_hash == f"{owner}-ticket" else None


@pytest.fixture
def layer(fresh_database: Database) -> WebDataLayer:
    return WebDataLayer(lambda: fresh_database.pool, USERS.__contains__, _card)


def _as(name: str, thread_id: str) -> None:
    init_http_context(thread_id=thread_id, user=User(identifier=name))


def _step(thread_id: str, text: str, at: str, kind: str = "assistant_message") -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "threadId": thread_id, "type": kind, "name": "MIKEY", "output": text,
            "createdAt": at, "metadata": {}}


def test_chainlit_is_the_pinned_version_and_every_data_layer_method_is_ours() -> None:
    pinned = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]["web"]
    assert f"chainlit=={version('chainlit')}" in pinned
    abstract = {name for name, member in inspect.getmembers(BaseDataLayer) if getattr(member, "__isabstractmethod__",
                                                                                     False)}
    assert abstract and not WebDataLayer.__abstractmethods__
    assert all(getattr(WebDataLayer, name) is not getattr(BaseDataLayer, name) for name in abstract)


async def test_a_thread_keeps_its_messages_in_order_and_only_its_owner_lists_it(layer: WebDataLayer) -> None:
    thread = str(uuid.uuid4())
    _as("alice", thread)
    await layer.update_thread(thread, name="long 1 SOL 2x", user_id="alice", metadata={"is_shared": True})
    later = _step(thread, "second", "2026-11-24T12:00:02.000000Z")
    await layer.create_step(later)
    await layer.create_step(_step(thread, "first", "2026-11-24T12:00:01.000000Z", "user_message"))
    await layer.update_step({**later, "output": "second, edited"})
    stored = await layer.get_thread(thread)
    assert stored is not None and stored["userIdentifier"] == "alice" and stored["name"] == "long 1 SOL 2x"
    assert [s["output"] for s in stored["steps"]] == ["first", "second, edited"]
    assert "is_shared" not in (stored["metadata"] or {})  # sharing is off: never stored
    assert await layer.get_thread_author(thread) == "alice"
    mine = await layer.list_threads(Pagination(first=10), ThreadFilter(userId="alice"))
    assert [t["id"] for t in mine.data] == [thread]
    assert (await layer.list_threads(Pagination(first=10), ThreadFilter(userId="bob"))).data == []
    assert (await layer.list_threads(Pagination(first=10), ThreadFilter())).data == []


async def test_nobody_writes_into_someone_elses_thread(layer: WebDataLayer) -> None:
    thread = str(uuid.uuid4())
    _as("alice", thread)
    first = _step(thread, "hers", "2026-11-24T12:00:01.000000Z")
    await layer.create_step(first)
    _as("bob", thread)
    await layer.update_thread(thread, name="bob's now", user_id="bob")
    await layer.create_step(_step(thread, "his", "2026-11-24T12:00:02.000000Z"))
    await layer.update_step({**first, "output": "overwritten by bob"})
    await layer.create_element(Text(content="his note", thread_id=thread, for_id=first["id"]))
    await layer.delete_step(first["id"])
    stored = await layer.get_thread(thread)
    assert stored is not None and stored["userIdentifier"] == "alice" and stored["name"] is None
    assert [s["output"] for s in stored["steps"]] == ["hers"] and stored["elements"] == []


async def test_a_ticket_card_is_rebuilt_from_the_ticket_store_never_shown_as_stored(layer: WebDataLayer) -> None:
    thread = str(uuid.uuid4())
    _as("alice", thread)
    message = _step(thread, "", "2026-11-24T12:00:01.000000Z")
    await layer.create_step(message)
    live_then = {"hash": "alice-ticket", "status": "pending", "stamp": None, "title": "as the page showed it"}
    mine = CustomElement(name="TicketCard", props=live_then, thread_id=thread, for_id=message["id"])
    foreign = CustomElement(name="TicketCard", props={"hash": "bob-ticket", "status": "pending"}, thread_id=thread,
                            for_id=message["id"])
    for element in (mine, foreign):
        await layer.create_element(element)
    stored = await layer.get_thread(thread)
    assert stored is not None
    [card] = stored["elements"] or []  # bob's ticket is not shown in alice's thread
    assert card["props"] == {"hash": "alice-ticket", "status": "filled", "stamp": "FILLED"}
    assert await layer.get_element(thread, foreign.id) is None


async def test_users_come_from_the_users_table(layer: WebDataLayer) -> None:
    assert (await layer.get_user("alice")).identifier == "alice"  # type: ignore[union-attr]
    assert await layer.get_user("mallory") is None
    assert await layer.create_user(User(identifier="mallory")) is None  # the page never creates users


def test_thread_ids_are_shaped_like_chainlits(fresh_database: Database) -> None:
    with pytest.raises(Exception, match=re.escape("web_threads_thread_id_check")), \
            fresh_database.pool.connection() as conn:
        conn.execute("INSERT INTO web_threads (thread_id, user_id) VALUES ('web:alice:x', 'alice')")
