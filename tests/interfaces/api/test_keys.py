"""API keys: made for a user, shown once, stored only as a hash, revocable, and
`quantdesk api-key` / `quantdesk user voice-approval` in real subprocesses."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from quantdesk.db import Database, open_database
from quantdesk.users import ApiKeyStore, UnknownApiKey, UnknownUser, UserStore
from tests.conftest import make_settings
from tests.quantdesk.cli.cli_helpers import QUANTDESK, cli_env
from tests.quantdesk.users.test_cli import one_error_line


def test_a_key_is_stored_only_as_its_hash_and_listed_without_it(fresh_database: Database) -> None:
    UserStore(fresh_database.pool).add("alice", None, by="test")
    store = ApiKeyStore(fresh_database.pool)
    made = store.create("alice", "voice bot")
    assert made.key.startswith(made.record.prefix + "_") and len(made.key) == 59
    with fresh_database.pool.connection() as conn:
        stored = conn.execute("SELECT * FROM api_keys").fetchall()
    assert len(stored) == 1
    assert made.key not in repr(stored) and made.key.split("_")[2] not in repr(stored)
    assert bytes(stored[0][2]) == hashlib.sha256(made.key.encode()).digest()
    [listed] = store.list("alice")
    assert (listed.prefix, listed.user_id, listed.name, listed.revoked_at) == (made.record.prefix, "alice",
                                                                              "voice bot", None)
    assert store.list("bob") == []


def test_keys_are_only_for_existing_users_and_removing_the_user_removes_them(fresh_database: Database) -> None:
    store, users = ApiKeyStore(fresh_database.pool), UserStore(fresh_database.pool)
    with pytest.raises(UnknownUser):
        store.create("nobody")
    users.add("carol", None, by="test")
    store.create("carol")
    users.remove("carol")
    assert store.list() == []


def test_revoking_needs_a_real_prefix(fresh_database: Database) -> None:
    UserStore(fresh_database.pool).add("alice", None, by="test")
    store = ApiKeyStore(fresh_database.pool)
    made = store.create("alice")
    assert store.revoke(made.record.prefix.removeprefix("qd_")).revoked_at is not None
    with pytest.raises(UnknownApiKey, match="not a key prefix"):
        store.revoke("qd_nothex!")
    with pytest.raises(UnknownApiKey, match="no key qd_000000000000"):
        store.revoke("qd_000000000000")


def _cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*QUANTDESK, *args], env=cli_env(data, COLUMNS="200"), cwd=data.parent,
                          capture_output=True, text=True, timeout=120)


def test_the_cli_makes_lists_and_revokes_keys_and_sets_voice_approval(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert _cli(data, "user", "add", "alice", "--no-password").returncode == 0
    made = _cli(data, "api-key", "create", "--user", "alice", "--name", "pipecat")
    assert made.returncode == 0, made.stderr
    key = made.stdout.splitlines()[0]
    prefix = key[:15]
    assert key.startswith("qd_") and f"api key {prefix} for alice created: shown this once" in made.stdout
    listed = _cli(data, "api-key", "list")
    assert prefix in listed.stdout and "pipecat" in listed.stdout and key not in listed.stdout
    assert "1 key\n" in listed.stdout
    assert _cli(data, "api-key", "revoke", prefix).stdout.strip() == f"api key {prefix} of alice revoked"
    with open_database(make_settings(data)) as db:
        [record] = ApiKeyStore(db.pool).list()
        assert record.revoked_at is not None
        assert UserStore(db.pool).voice_approval("alice") is False
    on = _cli(data, "user", "voice-approval", "on", "--user", "alice")
    assert "voice approval for alice is on" in on.stdout
    shown = _cli(data, "user", "voice-approval", "--user", "alice")
    assert "voice approval for alice is on" in shown.stdout
    with open_database(make_settings(data)) as db:
        assert UserStore(db.pool).voice_approval("alice") is True
    one_error_line(_cli(data, "api-key", "create", "--user", "bob"), "no user bob")
    one_error_line(_cli(data, "api-key", "revoke", "qd_123"), "is not a key prefix")
    one_error_line(_cli(data, "user", "voice-approval", "on", "--user", "bob"), "no user bob")
