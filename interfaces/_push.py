"""What reaches a trader without them typing first, for every chat surface: the
alerts that fired for their conversation (ChatSession.notifications) and what the
keepers did on their account (resting orders filled, stops triggered,
liquidations). Each is its own ``text`` event with ``role`` "alert", so a surface
shows each as its own message."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from agent import ChatEvent, ChatSession
from quantdesk.exchange.paper import Cursor, KeeperAction

# (user, after) -> the keepers' actions on the user's account since then; None where there is no such record
Activity = Callable[[str, Cursor], list[KeeperAction]]
PUSH_EVERY_S = 1.5


class Pushes:
    """One conversation's pushes from ``since`` on (blocking reads: run :meth:`take` in a thread)."""

    def __init__(self, session: ChatSession, activity: Activity | None, user_id: str, thread_id: str,
                 since: datetime) -> None:
        self._session, self._activity = session, activity
        self._user, self._thread = user_id, thread_id
        self._cursor: Cursor = (since, "", 0)

    def take(self) -> list[ChatEvent]:
        """What is new since the last call: alerts first (they are taken, once, for this thread), then fills."""
        events = self._session.notifications(self._thread)
        if self._activity is not None:
            for action in self._activity(self._user, self._cursor):
                self._cursor = action.cursor
                events.append(ChatEvent("text", {"role": "alert", "kind": action.kind, "text": action.text}))
        return events
