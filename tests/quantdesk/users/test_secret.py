"""The web session secret: generated once into the data dir (0600), reused, or
taken from the environment; never a file others can read."""

from __future__ import annotations

from pathlib import Path

import pytest

from quantdesk.errors import ConfigError
from quantdesk.users import SECRET_FILE, web_auth_secret
from tests.conftest import make_settings


def test_the_secret_is_generated_once_private_and_reused(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data")
    first = web_auth_secret(settings)
    path = tmp_path / "data" / SECRET_FILE
    assert path.stat().st_mode & 0o777 == 0o600
    assert len(first) >= 48 and path.read_text().strip() == first
    assert web_auth_secret(make_settings(tmp_path / "data")) == first
    assert [p.name for p in path.parent.iterdir()] == [SECRET_FILE]  # no temp file left behind


def test_a_configured_secret_is_used_and_no_file_is_written(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", web_auth_secret="s" * 40)
    assert web_auth_secret(settings) == "s" * 40
    assert not (tmp_path / "data" / SECRET_FILE).exists()


def test_a_secret_file_others_can_read_is_refused(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    secret = web_auth_secret(settings)
    (tmp_path / SECRET_FILE).chmod(0o644)
    with pytest.raises(ConfigError, match=r"readable by others \(mode 0644\); run `chmod 600") as refused:
        web_auth_secret(settings)
    assert secret not in str(refused.value)


def test_an_emptied_secret_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / SECRET_FILE).write_text("")
    (tmp_path / SECRET_FILE).chmod(0o600)
    with pytest.raises(ConfigError, match="empty or too short"):
        web_auth_secret(make_settings(tmp_path))


def test_a_short_configured_secret_is_a_settings_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 32 characters"):
        make_settings(tmp_path, web_auth_secret="short")
