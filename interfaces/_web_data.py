"""Chainlit's data layer (conversation history) over our own PostgreSQL tables
(migration 0012: web_threads, web_steps, web_elements, web_feedback), written for
Chainlit 2.12.0's BaseDataLayer (pinned in pyproject; tests/interfaces/test_web_data.py
checks the pin and every method).

Ownership is ours, not the browser's: a thread belongs to the user who first
wrote to it, and every write names the acting user from the signed-in session;
a write into someone else's thread is refused (logged, nothing changes), and an
owner is never changed. Chainlit itself checks the author before it resumes,
shows, renames or deletes a thread.

A ticket card is never shown as it was stored: its props are rebuilt from the
ticket store each time a thread is read, so a reopened thread shows a pending
ticket live and a decided one stamped, whatever the page held back then.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from chainlit.data.base import BaseDataLayer
from chainlit.data.utils import queue_until_user_message
from chainlit.types import Feedback, PageInfo, PaginatedResponse, Pagination, ThreadDict, ThreadFilter
from chainlit.user import PersistedUser, User
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from quantdesk.logs import get_logger

log = get_logger(__name__)

# (ticket hash, thread owner) -> the card's props from the ticket store; None unless the owner's ticket
CardProps = Callable[[str, str], dict[str, Any] | None]
_SHARED_KEYS = ("is_shared", "shared_at")  # sharing is off: such keys are never stored


def _acting_user() -> str | None:
    """The signed-in user of the current Chainlit session, if there is one."""
    from chainlit.context import ChainlitContextException, context

    try:
        user = context.session.user
    except ChainlitContextException:
        return None
    return None if user is None else user.identifier


def _time(value: Any) -> datetime | None:
    if not value:
        return None
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat().replace("+00:00", "Z")


class WebDataLayer(BaseDataLayer):
    def __init__(self, pool: Callable[[], ConnectionPool], users: Callable[[str], bool], card_props: CardProps,
                 root_path: str = "") -> None:
        self._pool = pool  # a getter: the pool exists once the app has started
        self._user_exists = users
        self._card_props = card_props
        self._root = root_path

    async def _run(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.to_thread(fn, *args)

    # --- users: QuantDesk's users table decides who exists ---------------------
    def _persisted(self, name: str) -> PersistedUser | None:
        if not self._user_exists(name):
            return None
        return PersistedUser(id=name, identifier=name, createdAt=_iso(datetime.now(UTC)) or "", metadata={})

    async def get_user(self, identifier: str) -> PersistedUser | None:
        return await self._run(self._persisted, identifier)

    async def create_user(self, user: User) -> PersistedUser | None:
        """Users are made with `quantdesk user add`, never by the page: this only finds them."""
        return await self._run(self._persisted, user.identifier)

    # --- threads ----------------------------------------------------------------
    def _owner(self, thread_id: str) -> str | None:
        with self._pool().connection() as conn:
            row = conn.execute("SELECT user_id FROM web_threads WHERE thread_id = %s", (thread_id,)).fetchone()
        return None if row is None else row[0]

    def _may_write(self, thread_id: str | None, actor: str | None) -> bool:
        """Create the thread for ``actor`` if it is new; False (and logged) if it is someone else's."""
        if not thread_id:
            return False
        owner = self._owner(thread_id)
        if owner is None:
            if actor is None:
                return False
            with self._pool().connection() as conn:
                conn.execute("INSERT INTO web_threads (thread_id, user_id) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                             (thread_id, actor))
            owner = self._owner(thread_id)
        if actor is not None and owner != actor:
            log.warning("web.thread_write_refused", thread=thread_id, user_id=actor)
            return False
        return True

    async def get_thread_author(self, thread_id: str) -> str:
        return await self._run(self._owner, thread_id) or ""

    async def update_thread(self, thread_id: str, name: str | None = None, user_id: str | None = None,
                            metadata: dict | None = None, tags: list[str] | None = None) -> None:
        actor = _acting_user() or user_id
        await self._run(self._update_thread, thread_id, actor, name, metadata, tags)

    def _update_thread(self, thread_id: str, actor: str | None, name: str | None, metadata: dict | None,
                       tags: list[str] | None) -> None:
        if not self._may_write(thread_id, actor):
            return
        clean = None if metadata is None else {k: v for k, v in metadata.items() if k not in _SHARED_KEYS}
        with self._pool().connection() as conn:
            conn.execute(
                "UPDATE web_threads SET name = COALESCE(%s, name), metadata = metadata || COALESCE(%s, '{}'::jsonb), "
                "tags = COALESCE(%s, tags), updated_at = now() WHERE thread_id = %s",
                (None if name is None else name[:255], None if clean is None else Jsonb(clean), tags, thread_id))

    async def delete_thread(self, thread_id: str) -> None:
        def delete() -> None:
            with self._pool().connection() as conn:
                conn.execute("DELETE FROM web_threads WHERE thread_id = %s", (thread_id,))

        await self._run(delete)

    async def list_threads(self, pagination: Pagination, filters: ThreadFilter) -> PaginatedResponse[ThreadDict]:
        return await self._run(self._list_threads, pagination, filters)

    def _list_threads(self, pagination: Pagination, filters: ThreadFilter) -> PaginatedResponse[ThreadDict]:
        if not filters.userId:  # Chainlit always filters by the signed-in user; nothing without one
            return PaginatedResponse(PageInfo(False, None, None), [])
        sql = ("SELECT thread_id, user_id, name, metadata, tags, created_at FROM web_threads WHERE user_id = %s "
               "AND EXISTS (SELECT 1 FROM web_steps s WHERE s.thread_id = web_threads.thread_id)")
        args: list[Any] = [filters.userId]
        if filters.search:
            sql += " AND name ILIKE %s"
            args.append(f"%{filters.search}%")
        if pagination.cursor:
            sql += " AND updated_at < (SELECT updated_at FROM web_threads WHERE thread_id = %s)"
            args.append(pagination.cursor)
        sql += " ORDER BY updated_at DESC LIMIT %s"
        args.append(pagination.first + 1)
        with self._pool().connection() as conn:
            rows = conn.execute(sql, args).fetchall()
        more = len(rows) > pagination.first
        threads = [self._thread(r, [], []) for r in rows[:pagination.first]]
        return PaginatedResponse(PageInfo(more, threads[0]["id"] if threads else None,
                                          threads[-1]["id"] if threads else None), threads)

    @staticmethod
    def _thread(row: Any, steps: list[Any], elements: list[Any]) -> ThreadDict:
        thread_id, user_id, name, metadata, tags, created_at = row
        return ThreadDict(id=thread_id, createdAt=_iso(created_at) or "", name=name, userId=user_id,
                          userIdentifier=user_id, tags=list(tags or []), metadata=metadata or {}, steps=steps,
                          elements=elements)

    async def get_thread(self, thread_id: str) -> ThreadDict | None:
        return await self._run(self._get_thread, thread_id)

    def _get_thread(self, thread_id: str) -> ThreadDict | None:
        with self._pool().connection() as conn:
            row = conn.execute("SELECT thread_id, user_id, name, metadata, tags, created_at FROM web_threads "
                               "WHERE thread_id = %s", (thread_id,)).fetchone()
            if row is None:
                return None
            steps = conn.execute(
                "SELECT s.step_id, s.parent_id, s.name, s.type, s.input, s.output, s.metadata, s.is_error, "
                "s.show_input, s.language, s.default_open, s.created_at, s.start_at, s.end_at, f.feedback_id, "
                "f.value, f.comment FROM web_steps s LEFT JOIN web_feedback f ON f.step_id = s.step_id "
                "WHERE s.thread_id = %s ORDER BY s.created_at NULLS LAST, s.seq", (thread_id,)).fetchall()
            elements = conn.execute(
                "SELECT element_id, step_id, type, name, mime, display, size, language, props FROM web_elements "
                "WHERE thread_id = %s ORDER BY seq", (thread_id,)).fetchall()
        owner = row[1]
        return self._thread(row, [self._step(thread_id, s) for s in steps],
                            [e for e in (self._element(thread_id, owner, r) for r in elements) if e is not None])

    @staticmethod
    def _step(thread_id: str, r: Any) -> dict[str, Any]:
        step = {"id": r[0], "threadId": thread_id, "parentId": r[1], "name": r[2], "type": r[3], "input": r[4],
                "output": r[5], "metadata": r[6] or {}, "isError": r[7], "showInput": r[8], "language": r[9],
                "defaultOpen": r[10], "createdAt": _iso(r[11]), "start": _iso(r[12]), "end": _iso(r[13])}
        if r[14] is not None:
            step["feedback"] = {"id": r[14], "forId": r[0], "value": r[15], "comment": r[16]}
        return step

    def _element(self, thread_id: str, owner: str, r: Any) -> dict[str, Any] | None:
        element_id, step_id, kind, name, mime, display, size, language, props = r
        if kind == "custom" and name == "TicketCard":
            props = self._card_props(str((props or {}).get("hash", "")), owner)
            if props is None:
                return None  # not a ticket of this thread's owner: show nothing rather than a card we cannot vouch for
        return {"id": element_id, "threadId": thread_id, "forId": step_id, "type": kind, "name": name, "mime": mime,
                "display": display, "size": size, "language": language, "props": props or {},
                "url": f"{self._root}/mikey/element/{thread_id}/{element_id}" if kind == "plotly" else None,
                "chainlitKey": None, "objectKey": None}

    async def get_element(self, thread_id: str, element_id: str) -> dict[str, Any] | None:
        def read() -> dict[str, Any] | None:
            with self._pool().connection() as conn:
                row = conn.execute("SELECT element_id, step_id, type, name, mime, display, size, language, props "
                                   "FROM web_elements WHERE thread_id = %s AND element_id = %s",
                                   (thread_id, element_id)).fetchone()
            owner = self._owner(thread_id)
            return None if row is None or owner is None else self._element(thread_id, owner, row)

        return await self._run(read)

    def element_content(self, user_id: str, thread_id: str, element_id: str) -> tuple[bytes, str] | None:
        """A stored element's content and mime type (a chart's figure), for the thread's owner only."""
        with self._pool().connection() as conn:
            row = conn.execute("SELECT e.content, e.mime FROM web_elements e JOIN web_threads t USING (thread_id) "
                               "WHERE e.thread_id = %s AND e.element_id = %s AND t.user_id = %s AND "
                               "e.content IS NOT NULL", (thread_id, element_id, user_id)).fetchone()
        return None if row is None else (bytes(row[0]), row[1] or "application/json")

    # --- steps and elements -------------------------------------------------------
    @queue_until_user_message()
    async def create_step(self, step_dict: dict[str, Any]) -> None:
        await self._run(self._write_step, dict(step_dict), _acting_user())

    @queue_until_user_message()
    async def update_step(self, step_dict: dict[str, Any]) -> None:
        await self._run(self._write_step, dict(step_dict), _acting_user())

    def _write_step(self, step: dict[str, Any], actor: str | None) -> None:
        if not self._may_write(step.get("threadId"), actor):
            return
        with self._pool().connection() as conn:
            conn.execute(
                "INSERT INTO web_steps (step_id, thread_id, parent_id, name, type, input, output, metadata, is_error, "
                "show_input, language, default_open, created_at, start_at, end_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (step_id) DO UPDATE SET name = EXCLUDED.name, type = EXCLUDED.type, "
                "input = EXCLUDED.input, output = EXCLUDED.output, metadata = EXCLUDED.metadata, "
                "is_error = EXCLUDED.is_error, show_input = EXCLUDED.show_input, language = EXCLUDED.language, "
                "start_at = COALESCE(EXCLUDED.start_at, web_steps.start_at), "
                "end_at = COALESCE(EXCLUDED.end_at, web_steps.end_at) WHERE web_steps.thread_id = EXCLUDED.thread_id",
                (step["id"], step["threadId"], step.get("parentId"), step.get("name") or "", step.get("type", "run"),
                 step.get("input") or "", step.get("output") or "", Jsonb(step.get("metadata") or {}),
                 bool(step.get("isError")), None if step.get("showInput") is None else str(step.get("showInput")),
                 step.get("language"), bool(step.get("defaultOpen")), _time(step.get("createdAt")),
                 _time(step.get("start")), _time(step.get("end"))))
            conn.execute("UPDATE web_threads SET updated_at = now() WHERE thread_id = %s", (step["threadId"],))

    @queue_until_user_message()
    async def delete_step(self, step_id: str) -> None:
        actor = _acting_user()

        def delete() -> None:
            with self._pool().connection() as conn:
                conn.execute("DELETE FROM web_steps s USING web_threads t WHERE s.step_id = %s AND "
                             "t.thread_id = s.thread_id AND (%s::text IS NULL OR t.user_id = %s)",
                             (step_id, actor, actor))

        await self._run(delete)

    @queue_until_user_message()
    async def create_element(self, element: Any) -> None:
        content = element.content if element.type == "plotly" else None
        if isinstance(content, str):
            content = content.encode()
        await self._run(self._write_element, element, content, _acting_user())

    def _write_element(self, element: Any, content: bytes | None, actor: str | None) -> None:
        if not element.for_id or not self._may_write(element.thread_id, actor):
            return
        props = getattr(element, "props", None) or {}
        if element.type == "custom" and element.name == "TicketCard":
            props = {"hash": props.get("hash")}  # the rest is rebuilt from the ticket store when read
        with self._pool().connection() as conn:
            conn.execute(
                "INSERT INTO web_elements (element_id, thread_id, step_id, type, name, mime, display, size, language, "
                "props, content) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (element_id) DO "
                "UPDATE SET props = EXCLUDED.props, content = COALESCE(EXCLUDED.content, web_elements.content) "
                "WHERE web_elements.thread_id = EXCLUDED.thread_id",
                (element.id, element.thread_id, element.for_id, element.type, element.name or "", element.mime,
                 element.display or "inline", getattr(element, "size", None), getattr(element, "language", None),
                 Jsonb(json.loads(json.dumps(props, default=str))), content))

    @queue_until_user_message()
    async def delete_element(self, element_id: str, thread_id: str | None = None) -> None:
        actor = _acting_user()

        def delete() -> None:
            with self._pool().connection() as conn:
                conn.execute("DELETE FROM web_elements e USING web_threads t WHERE e.element_id = %s AND "
                             "t.thread_id = e.thread_id AND (%s::text IS NULL OR t.user_id = %s)",
                             (element_id, actor, actor))

        await self._run(delete)

    # --- feedback, favourites, debug -----------------------------------------------
    async def upsert_feedback(self, feedback: Feedback) -> str:
        feedback_id = feedback.id or str(uuid.uuid4())
        actor = _acting_user()

        def write() -> None:
            with self._pool().connection() as conn:
                conn.execute(
                    "INSERT INTO web_feedback (feedback_id, step_id, thread_id, value, comment) "
                    "SELECT %s, s.step_id, s.thread_id, %s, %s FROM web_steps s JOIN web_threads t USING (thread_id) "
                    "WHERE s.step_id = %s AND (%s::text IS NULL OR t.user_id = %s) "
                    "ON CONFLICT (feedback_id) DO UPDATE SET value = EXCLUDED.value, comment = EXCLUDED.comment",
                    (feedback_id, int(feedback.value), feedback.comment, feedback.forId, actor, actor))

        await self._run(write)
        return feedback_id

    async def delete_feedback(self, feedback_id: str) -> bool:
        actor = _acting_user()

        def delete() -> None:
            with self._pool().connection() as conn:
                conn.execute("DELETE FROM web_feedback f USING web_threads t WHERE f.feedback_id = %s AND "
                             "t.thread_id = f.thread_id AND (%s::text IS NULL OR t.user_id = %s)",
                             (feedback_id, actor, actor))

        await self._run(delete)
        return True

    async def get_favorite_steps(self, user_id: str) -> list[Any]:
        return []  # favourites are off (.chainlit/config.toml)

    async def build_debug_url(self) -> str:
        return ""

    async def close(self) -> None:
        """The pool belongs to the app's MIKEY, which closes it."""
