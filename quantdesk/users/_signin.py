"""Signing in: credentials from a surface (a password form, an auth proxy's header)
turned into a QuantDesk user, or refused.

A refusal looks the same whatever the reason (no such user, wrong password, no
password set, too many failures): the caller gets ``None`` and shows one message.
Every refusal is logged with the user name tried and the method, never the
password. A name that failed too often is refused without checking the password,
so guessing one user's password is slowed to a handful of tries per window.
"""

from __future__ import annotations

from quantdesk.logs import get_logger
from quantdesk.users._names import MAX_USER_NAME, InvalidUserName, validate_user_name
from quantdesk.users._passwords import verify_password
from quantdesk.users._store import UserRecord, UserStore
from quantdesk.users._throttle import FailureThrottle

log = get_logger(__name__)

NAME_FAILURES, NAME_WINDOW_S = 5, 300.0


class SignIn:
    def __init__(self, store: UserStore, *, throttle: FailureThrottle | None = None) -> None:
        self._store = store
        self._throttle = throttle or FailureThrottle(NAME_FAILURES, NAME_WINDOW_S)

    def with_password(self, name: str, password: str) -> UserRecord | None:
        """The user whose name and password these are, else ``None``."""
        if self._throttle.blocked(name):
            verify_password(None, password)  # the same work as a real check: a refusal's timing says nothing
            log.warning("signin.refused", method="password", user=_shown(name), reason="too many failures")
            return None
        record = self._store.verify(name, password)
        if record is None:
            self._throttle.failed(name)
            log.warning("signin.refused", method="password", user=_shown(name), reason="bad credentials")
            return None
        log.info("signin.ok", method="password", user=record.name)
        return record

    def with_header(self, value: str | None, *, header: str) -> UserRecord | None:
        """The user an auth proxy named in ``header``: only users already in the table
        (an operator adds them with ``quantdesk user add``); anyone else is refused."""
        name = (value or "").strip()
        try:
            record = self._store.get(validate_user_name(name))
        except InvalidUserName:
            record = None
        if record is None:
            log.warning("signin.refused", method="header", header=header, user=_shown(name),
                        reason="no such user" if name else "header missing")
            return None
        log.info("signin.ok", method="header", user=record.name)
        return record

    def still_valid(self, name: str, epoch: object) -> UserRecord | None:
        """The user a web session was signed in as, if they still exist and have not
        changed their password since (``epoch`` is the one recorded at sign-in)."""
        record = self._store.get(name)
        if record is None or record.session_epoch != epoch:
            log.info("signin.session_ended", user=_shown(name),
                     reason="user removed" if record is None else "password changed")
            return None
        return record


def _shown(name: str) -> str:
    """A tried name as it may appear in a log line: bounded, control characters escaped."""
    return name[:MAX_USER_NAME].encode("unicode_escape").decode("ascii")
