"""Pushing to open web pages: alerts and keeper fills (interfaces/_push.py)
appear in the conversation as they happen, each as its own message, without the
trader typing first.

A thread may be open in several tabs (or browsers) at once, and every one of
them shows every push: the thread's pushes are read by one reader
(:class:`ThreadPushes`, shared by the process) and handed to each of its pages
that is connected when they are read. An alert is taken from the store once
(it is then marked delivered), so reading per page would show it in one tab
only. Each page's task pauses while its page is disconnected (so nothing is
taken for it that it could not show) and ends with its session."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from agent import ChatEvent
from interfaces._push import PUSH_EVERY_S, Pushes
from quantdesk.db import is_unavailable
from quantdesk.logs import get_logger

log = get_logger(__name__)


@dataclass(eq=False)
class PageFeed:
    """One open page of a thread: what was read for it and not yet shown."""

    connected: Callable[[], bool]
    backlog: list[ChatEvent] = field(default_factory=list)


@dataclass
class _Thread:
    pushes: Pushes
    pages: list[PageFeed] = field(default_factory=list)
    reading: asyncio.Lock = field(default_factory=asyncio.Lock)


class ThreadPushes:
    """Every open page of every thread in this process, and one reader per thread.

    ``open_pushes(user, thread)`` makes a thread's reader, from the moment its first
    page opens; it is dropped when its last page closes."""

    def __init__(self, open_pushes: Callable[[str, str], Pushes]) -> None:
        self._open = open_pushes
        self._threads: dict[str, _Thread] = {}

    def join(self, user_id: str, thread_id: str, connected: Callable[[], bool]) -> PageFeed:
        thread = self._threads.get(thread_id)
        if thread is None:
            thread = self._threads[thread_id] = _Thread(self._open(user_id, thread_id))
        page = PageFeed(connected)
        thread.pages.append(page)
        return page

    def leave(self, thread_id: str, page: PageFeed) -> None:
        thread = self._threads.get(thread_id)
        if thread is None:
            return
        if page in thread.pages:
            thread.pages.remove(page)
        if not thread.pages:
            del self._threads[thread_id]

    def pages(self, thread_id: str) -> int:
        thread = self._threads.get(thread_id)
        return 0 if thread is None else len(thread.pages)

    async def take(self, thread_id: str, page: PageFeed) -> list[ChatEvent]:
        """What is new for ``page``: the thread is read (blocking reads, in a thread), what is new
        goes to every connected page of it, and ``page``'s share is returned. A database outage
        raises, with nothing taken."""
        thread = self._threads.get(thread_id)
        if thread is None or page not in thread.pages:
            return []
        async with thread.reading:  # one read at a time per thread: each push is handed out once
            events = await asyncio.to_thread(thread.pushes.take)
            for other in thread.pages:
                if other is page or other.connected():
                    other.backlog.extend(events)
        shown, page.backlog = page.backlog, []
        return shown


async def push_to_page(hub: ThreadPushes, user_id: str, thread_id: str, show: Callable[[ChatEvent], Awaitable[None]],
                       *, alive: Callable[[], bool], connected: Callable[[], bool],
                       tick: Callable[[], Awaitable[None]] | None = None) -> None:
    """Until the session ends: every PUSH_EVERY_S, take what is new for this page and show it,
    then ``tick`` (the page's ticket cards brought up to date: a ticket decided in another tab
    loses its buttons here within a tick)."""
    from chainlit.context import local_steps

    # Pushed messages belong to no step: without this they would nest under the step that started the task.
    local_steps.set(None)
    page = hub.join(user_id, thread_id, connected)
    try:
        while alive():
            await asyncio.sleep(PUSH_EVERY_S)
            if not connected():
                continue
            try:
                events = await hub.take(thread_id, page)
                for event in events:
                    await show(event)
                if tick is not None:
                    await tick()
            except Exception as exc:
                if not is_unavailable(exc):
                    raise
                log.warning("web.push_database_unavailable", error=type(exc).__name__)
                continue  # read again once the database is back; nothing was taken
    finally:
        hub.leave(thread_id, page)
