"""Pushing to an open web page: alerts and keeper fills (interfaces/_push.py)
appear in the conversation as they happen, each as its own message, without the
trader typing first. One task per browser session; it pauses while the page is
disconnected (so nothing is taken that could not be shown) and ends with the
session."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from agent import ChatEvent
from interfaces._push import PUSH_EVERY_S, Pushes
from quantdesk.db import is_unavailable
from quantdesk.logs import get_logger

log = get_logger(__name__)


async def push_to_page(pushes: Pushes, show: Callable[[ChatEvent], Awaitable[None]], *,
                       alive: Callable[[], bool], connected: Callable[[], bool]) -> None:
    """Until the session ends: every PUSH_EVERY_S, take what is new and show it."""
    from chainlit.context import local_steps

    # Pushed messages belong to no step: without this they would nest under the step that started the task.
    local_steps.set(None)
    while alive():
        await asyncio.sleep(PUSH_EVERY_S)
        if not connected():
            continue
        try:
            events = await asyncio.to_thread(pushes.take)
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            log.warning("web.push_database_unavailable", error=type(exc).__name__)
            continue  # read again once the database is back; nothing was taken
        for event in events:
            await show(event)
