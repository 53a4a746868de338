"""Signing in over the real users table: refusals that look alike, the per-name
limit on failures, the auth proxy's header, and sessions that end."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from quantdesk.db import Database
from quantdesk.logs import configure_logging
from quantdesk.users import FailureThrottle, SignIn, UserStore
from tests.conftest import make_settings

PASSWORD = "correct horse battery"


@pytest.fixture
def users(fresh_database: Database) -> UserStore:
    store = UserStore(fresh_database.pool)
    store.add("alice", PASSWORD, by="test")
    store.add("carol", None, by="test")
    return store


@pytest.fixture
def log_lines(tmp_path: Path) -> io.StringIO:
    stream = io.StringIO()
    configure_logging(make_settings(tmp_path, log_format="json"), stream=stream)
    return stream


def _events(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]


def test_a_refusal_is_the_same_for_every_reason_and_logged_without_the_password(
        users: UserStore, log_lines: io.StringIO) -> None:
    signin = SignIn(users)
    assert signin.with_password("alice", PASSWORD).name == "alice"  # type: ignore[union-attr]
    tried = [("alice", "wrong-password-1"), ("nobody", "wrong-password-2"), ("carol", "wrong-password-3"),
             ("bad name\x1b[31m", "wrong-password-4")]
    assert [signin.with_password(name, pw) for name, pw in tried] == [None] * 4
    events = _events(log_lines)
    refused = [e for e in events if e["event"] == "signin.refused"]
    assert [(e["user"], e["method"], e["reason"]) for e in refused] == [
        ("alice", "password", "bad credentials"), ("nobody", "password", "bad credentials"),
        ("carol", "password", "bad credentials"), ("bad name\\x1b[31m", "password", "bad credentials")]
    assert {"event": "signin.ok", "user": "alice", "method": "password"}.items() <= events[0].items()
    text = log_lines.getvalue()
    assert PASSWORD not in text and "wrong-password" not in text and "\x1b" not in text


def test_a_name_that_failed_too_often_is_refused_even_with_the_right_password(
        users: UserStore, log_lines: io.StringIO) -> None:
    now = [1000.0]
    signin = SignIn(users, throttle=FailureThrottle(3, 60, clock=lambda: now[0]))
    users.add("bob", PASSWORD, by="test")
    for _ in range(3):
        assert signin.with_password("alice", "wrong password") is None
    assert signin.with_password("alice", PASSWORD) is None
    assert signin.with_password("bob", PASSWORD) is not None  # other names are not held up
    assert _events(log_lines)[-2]["reason"] == "too many failures"
    now[0] += 61
    assert signin.with_password("alice", PASSWORD) is not None


def test_the_header_signs_in_only_users_in_the_table(users: UserStore, log_lines: io.StringIO) -> None:
    signin = SignIn(users)
    assert signin.with_header("carol", header="X-Forwarded-User").name == "carol"  # type: ignore[union-attr]
    assert signin.with_header(" alice ", header="X-Forwarded-User").name == "alice"  # type: ignore[union-attr]
    for value in ("mallory", "", None, "../alice", "a" * 300):
        assert signin.with_header(value, header="X-Forwarded-User") is None
    reasons = [e["reason"] for e in _events(log_lines) if e["event"] == "signin.refused"]
    assert reasons == ["no such user", "header missing", "header missing", "no such user", "no such user"]


def test_a_session_ends_when_its_user_is_removed_or_changes_password(users: UserStore) -> None:
    signin = SignIn(users)
    epoch = signin.with_password("alice", PASSWORD).session_epoch  # type: ignore[union-attr]
    assert signin.still_valid("alice", epoch) is not None
    assert signin.still_valid("alice", None) is None
    users.set_password("alice", "a new passphrase")
    assert signin.still_valid("alice", epoch) is None
    assert signin.still_valid("alice", epoch + 1) is not None
    users.remove("alice")
    assert signin.still_valid("alice", epoch + 1) is None


def test_the_throttle_forgets_failures_outside_its_window_and_bounds_its_keys() -> None:
    now = [0.0]
    throttle = FailureThrottle(2, 10, clock=lambda: now[0], max_keys=3)
    throttle.failed("a")
    now[0] = 5
    throttle.failed("a")
    assert throttle.blocked("a") and not throttle.blocked("b")
    now[0] = 10.5
    assert not throttle.blocked("a")  # the first failure aged out
    for key in ("k1", "k2", "k3", "k4", "k5"):
        throttle.failed(key)
    assert len(throttle._failures) <= 3
