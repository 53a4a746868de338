"""The CLI as a person uses it: real subprocesses, real exit codes and output."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.quantdesk.cli.cli_helpers import quantdesk

SECRET = "api-key-5be0c1d7"


def test_config_show_masks_secrets(tmp_path: Path) -> None:
    out = quantdesk(tmp_path / "data", "config", "show", QUANTDESK_HERMES_API_KEY=SECRET,
                    DATABASE_URL="postgresql://mikey:pw-4411@db.example:5432/q", COLUMNS="200")
    assert out.returncode == 0, out.stderr
    assert SECRET not in out.stdout + out.stderr
    assert "pw-4411" not in out.stdout + out.stderr
    assert "hermes_api_key" in out.stdout and "**********" in out.stdout
    assert "postgresql://mikey:***@db.example:5432/q" in out.stdout


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DATABASE_URL": "not a url"}, "QUANTDESK_DATABASE_URL: must be a postgresql:// URL"),
        ({"DATABASE_URL": "postgresql://mikey:pw-4411@127.0.0.1:9/q"}, "cannot reach the database"),
        ({"QUANTDESK_WALLET_PATH": "/missing/keypair.json"}, "wallet file /missing/keypair.json does not exist"),
        ({"QUANTDESK_VENUE": "ftx"}, "QUANTDESK_VENUE: Input should be 'paper' or 'solana'"),
    ],
)
def test_bad_configuration_is_one_line_exit_2_without_traceback(tmp_path: Path, env: dict[str, str],
                                                                 expected: str) -> None:
    out = quantdesk(tmp_path / "data", "db", "status", COLUMNS="300", **env)
    assert out.returncode == 2
    assert out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("error: ") and expected in lines[0]
    assert "Traceback" not in out.stderr
    assert "pw-4411" not in out.stderr


def test_debug_flag_shows_the_traceback(tmp_path: Path) -> None:
    out = quantdesk(tmp_path / "data", "--debug", "db", "status", QUANTDESK_VENUE="ftx")
    assert out.returncode != 0
    assert "Traceback" in out.stderr and "ConfigError" in out.stderr


def test_db_migrate_then_status_reports_embedded_database_and_migrations(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = quantdesk(data, "db", "migrate")
    assert first.returncode == 0, first.stderr
    assert "applied 0001_init" in first.stdout
    again = quantdesk(data, "db", "migrate")
    assert again.returncode == 0 and "database is up to date" in again.stdout
    status = quantdesk(data, "db", "status", COLUMNS="200")
    assert status.returncode == 0, status.stderr
    assert "embedded PostgreSQL 16" in status.stdout
    assert "0001" in status.stdout and "init" in status.stdout and "applied" in status.stdout
    assert "0 pending" in status.stdout


def test_unknown_command_is_a_usage_error(tmp_path: Path) -> None:
    out = quantdesk(tmp_path / "data", "launch-rockets")
    assert out.returncode == 2
    assert "No such command" in out.stderr
