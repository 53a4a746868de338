"""`quantdesk user add|passwd|remove|list` in real subprocesses: passwords from
stdin or a hidden prompt (never argv), one `error:` line and exit 2 for bad input."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from quantdesk.db import open_database
from quantdesk.users import UserStore
from tests.conftest import make_settings
from tests.interfaces.test_terminal_interactive import Terminal
from tests.quantdesk.cli.cli_helpers import QUANTDESK, cli_env

PASSWORD = "correct horse battery"


def user(data: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*QUANTDESK, "user", *args], input=stdin, env=cli_env(data, COLUMNS="200"),
                          cwd=data.parent, capture_output=True, text=True, timeout=120)


def one_error_line(out: subprocess.CompletedProcess[str], expected: str) -> None:
    assert out.returncode == 2, (out.stdout, out.stderr)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0], out.stderr
    assert "Traceback" not in out.stderr


def verifies(data: Path, name: str, password: str) -> bool:
    with open_database(make_settings(data)) as db:
        return UserStore(db.pool).verify(name, password) is not None


def test_an_operator_adds_lists_changes_and_removes_users(tmp_path: Path) -> None:
    data = tmp_path / "data"
    added = user(data, "add", "alice", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "added user alice: can sign in with that password"
    assert user(data, "add", "carol", "--no-password").returncode == 0
    listed = user(data, "list")
    assert listed.returncode == 0
    rows = [line for line in listed.stdout.splitlines() if "alice" in line or "carol" in line]
    assert "alice" in rows[0] and "set" in rows[0] and "cli" in rows[0]
    assert "carol" in rows[1] and "none (proxy only)" in rows[1]
    assert "2 users" in listed.stdout and PASSWORD not in listed.stdout and "argon2" not in listed.stdout
    changed = user(data, "passwd", "alice", "--password-stdin", stdin="a new passphrase\r\n")
    assert changed.returncode == 0 and "password of alice changed" in changed.stdout
    assert verifies(data, "alice", "a new passphrase") and not verifies(data, "alice", PASSWORD)
    removed = user(data, "remove", "alice")
    assert removed.returncode == 0 and "removed user alice" in removed.stdout
    assert "1 user\n" in user(data, "list").stdout
    # What needs the database: a taken name, an unknown user.
    one_error_line(user(data, "add", "carol", "--password-stdin", stdin=PASSWORD + "\n"),
                   "user carol already exists")
    one_error_line(user(data, "passwd", "alice", "--password-stdin", stdin=PASSWORD + "\n"), "no user alice")
    one_error_line(user(data, "remove", "alice"), "no user alice")


@pytest.mark.parametrize(("args", "stdin", "expected"), [
    (("add", "al ice", "--password-stdin"), PASSWORD, "user name 'al ice' may hold only"),
    (("add", "web:alice", "--password-stdin"), PASSWORD, "may hold only ASCII letters"),
    (("add", "a" * 65, "--password-stdin"), PASSWORD, "at most 64 characters"),
    (("remove", ""), None, "a user name must not be empty"),
    (("add", "alice", "--password-stdin"), "short", "a password needs at least 8 characters (got 5)"),
    (("add", "alice", "--password-stdin"), "", "a password needs at least 8 characters (got 0)"),
    (("add", "alice"), PASSWORD, "no terminal to ask for the password on; pipe it in with --password-stdin"),
    (("add", "alice", "--no-password", "--password-stdin"), PASSWORD, "contradict each other"),
])
def test_bad_input_is_one_error_line_and_changes_nothing(tmp_path: Path, args: tuple[str, ...], stdin: str | None,
                                                         expected: str) -> None:
    data = tmp_path / "data"
    out = user(data, *args, stdin=None if stdin is None else stdin + "\n")
    one_error_line(out, expected)
    if stdin:
        assert stdin not in out.stderr or stdin == PASSWORD
    assert not (data / "pg").exists()  # refused before the database was even opened


def test_a_password_is_never_an_argument(tmp_path: Path) -> None:
    out = user(tmp_path / "data", "add", "alice", "--password", PASSWORD)
    assert out.returncode == 2 and "No such option: --password" in out.stderr
    assert not (tmp_path / "data" / "pg").exists()


def test_the_prompt_hides_the_password_and_asks_for_it_twice(tmp_path: Path) -> None:
    data = tmp_path / "data"
    term = Terminal([*QUANTDESK, "user", "add", "alice"], cli_env(data), tmp_path)
    try:
        term.read_until("password for alice: ")
        term.type(PASSWORD)
        term.read_until("repeat it: ")
        term.type(PASSWORD)
        screen = term.read_until("added user alice")
        assert term.proc.wait(timeout=60) == 0
    finally:
        if term.proc.poll() is None:
            term.proc.kill()
    assert PASSWORD not in screen
    assert verifies(data, "alice", PASSWORD)
    mismatch = Terminal([*QUANTDESK, "user", "passwd", "alice"], cli_env(data), tmp_path)
    try:
        mismatch.read_until("password for alice: ")
        mismatch.type("first passphrase")
        mismatch.read_until("repeat it: ")
        mismatch.type("second passphrase")
        screen = mismatch.read_until("error: the two passwords differ; nothing was changed")
        assert mismatch.proc.wait(timeout=60) == 2
    finally:
        if mismatch.proc.poll() is None:
            mismatch.proc.kill()
    assert "passphrase" not in screen.replace("the two passwords differ", "")
    assert verifies(data, "alice", PASSWORD)
