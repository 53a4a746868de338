"""The users table on the real embedded PostgreSQL: adding, changing, removing,
hashing and verifying, as `quantdesk user` and sign-in use it."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher

from quantdesk.db import Database
from quantdesk.users import InvalidUserName, UnknownUser, UserExists, UserStore, WeakPassword

PASSWORD = "correct horse battery"


@pytest.fixture
def store(fresh_database: Database) -> Iterator[UserStore]:
    yield UserStore(fresh_database.pool)


def _stored_hash(db: Database, name: str) -> str | None:
    with db.pool.connection() as conn:
        row = conn.execute("SELECT password_hash FROM users WHERE user_id = %s", (name,)).fetchone()
    return None if row is None else row[0]


def test_a_user_is_stored_with_an_argon2id_hash_never_the_password(store: UserStore,
                                                                   fresh_database: Database) -> None:
    record = store.add("alice", PASSWORD, by="test")
    assert (record.name, record.has_password, record.session_epoch, record.created_by) == ("alice", True, 1, "test")
    stored = _stored_hash(fresh_database, "alice")
    assert stored is not None and stored.startswith("$argon2id$v=19$") and PASSWORD not in stored
    assert PASSWORD not in repr(record)
    store.add("bob", PASSWORD, by="test")
    assert _stored_hash(fresh_database, "bob") != stored  # salted: the same password hashes differently


def test_only_the_right_password_verifies(store: UserStore) -> None:
    store.add("alice", PASSWORD, by="test")
    verified = store.verify("alice", PASSWORD)
    assert verified is not None and verified.name == "alice"
    for wrong in ("correct horse battery ", "Correct horse battery", "", "x" * 5000):
        assert store.verify("alice", wrong) is None
    assert store.verify("ALICE", PASSWORD) is None


def test_an_unknown_user_or_one_without_a_password_never_verifies(store: UserStore) -> None:
    store.add("carol", None, by="test")
    assert store.get("carol") is not None and not store.get("carol").has_password  # type: ignore[union-attr]
    assert store.verify("carol", "") is None and store.verify("carol", PASSWORD) is None
    assert store.verify("nobody", PASSWORD) is None


def test_an_unknown_user_takes_as_long_to_refuse_as_a_wrong_password(store: UserStore) -> None:
    store.add("alice", PASSWORD, by="test")
    store.verify("nobody", PASSWORD)  # the throwaway hash is made once, on first use

    def median_s(name: str) -> float:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            assert store.verify(name, "wrong password") is None
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    known, unknown = median_s("alice"), median_s("nobody")
    # Without the throwaway hash an unknown name answers in ~1 ms against ~50+ ms of argon2.
    assert unknown > 0.4 * known, (known, unknown)


def test_a_taken_name_is_refused_and_the_first_password_stays(store: UserStore) -> None:
    store.add("alice", PASSWORD, by="test")
    with pytest.raises(UserExists, match="user alice already exists"):
        store.add("alice", "another password", by="test")
    assert store.verify("alice", PASSWORD) is not None and store.verify("alice", "another password") is None


@pytest.mark.parametrize(("name", "password", "error", "message"), [
    ("", PASSWORD, InvalidUserName, "must not be empty"),
    ("al ice", PASSWORD, InvalidUserName, "may hold only"),
    ("web:alice", PASSWORD, InvalidUserName, "may hold only"),
    ("a" * 65, PASSWORD, InvalidUserName, "at most 64"),
    ("alice", "short", WeakPassword, "at least 8 characters"),
    ("alice", "x" * 1025, WeakPassword, "at most 1024"),
    ("alice", "two\nlines!", WeakPassword, "line breaks"),
])
def test_bad_names_and_weak_passwords_are_refused_and_nothing_is_stored(
        store: UserStore, name: str, password: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message) as refused:
        store.add(name, password, by="test")
    assert password not in str(refused.value) or password == PASSWORD
    assert store.list() == []


def test_a_password_change_replaces_the_hash_and_moves_the_epoch(store: UserStore) -> None:
    store.add("alice", PASSWORD, by="test")
    changed = store.set_password("alice", "a new passphrase")
    assert changed.session_epoch == 2 and changed.updated_at >= changed.created_at
    assert store.verify("alice", PASSWORD) is None and store.verify("alice", "a new passphrase") is not None
    with pytest.raises(WeakPassword):
        store.set_password("alice", "short")
    assert store.get("alice").session_epoch == 2  # type: ignore[union-attr]


def test_changing_or_removing_an_unknown_user_is_refused(store: UserStore) -> None:
    with pytest.raises(UnknownUser, match="no user ghost"):
        store.set_password("ghost", PASSWORD)
    with pytest.raises(UnknownUser, match="no user ghost"):
        store.remove("ghost")


def test_a_removed_user_is_gone_and_cannot_sign_in(store: UserStore) -> None:
    store.add("alice", PASSWORD, by="test")
    store.add("bob", PASSWORD, by="test")
    store.remove("alice")
    assert store.get("alice") is None and store.verify("alice", PASSWORD) is None
    assert [u.name for u in store.list()] == ["bob"]


def test_users_are_listed_by_name(store: UserStore) -> None:
    for name in ("zed", "alice", "bob"):
        store.add(name, PASSWORD if name != "bob" else None, by="cli")
    assert [(u.name, u.has_password) for u in store.list()] == [("alice", True), ("bob", False), ("zed", True)]


def test_a_generated_password_is_made_for_a_new_user_only(store: UserStore) -> None:
    first = store.add_with_generated_password("trader", by="first run")
    assert first is not None and len(first) >= 20
    assert store.verify("trader", first) is not None
    assert store.add_with_generated_password("trader", by="first run") is None
    assert store.verify("trader", first) is not None  # the existing password is left alone


def test_a_hash_made_with_weaker_parameters_is_upgraded_at_sign_in(store: UserStore,
                                                                   fresh_database: Database) -> None:
    store.add("alice", PASSWORD, by="test")
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with fresh_database.pool.connection() as conn:
        conn.execute("UPDATE users SET password_hash = %s WHERE user_id = 'alice'", (weak,))
    assert store.verify("alice", PASSWORD) is not None
    upgraded = _stored_hash(fresh_database, "alice")
    assert upgraded != weak and "m=65536" in (upgraded or "")
    assert store.verify("alice", PASSWORD) is not None
    assert store.get("alice").session_epoch == 1  # type: ignore[union-attr]  # a re-hash keeps sessions
