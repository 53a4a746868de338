"""Settings: defaults, environment, .env, aliases, validation and secret masking."""

from __future__ import annotations

from pathlib import Path

import pytest

from quantdesk.config import Settings, load_settings, mask_url
from quantdesk.errors import ConfigError

SECRET = "hermes-key-7c1f9e2b"
DB_PASSWORD = "s3cr3t-pw-91ad"


def test_defaults_are_the_embedded_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    s = load_settings()
    assert s.database_url is None
    assert (s.venue, s.pyth_source, s.mikey_model) == ("paper", "replay", "rules")
    assert (s.web_port, s.api_port, s.ingest_port) == (3001, 3002, 3003)
    assert s.data_dir == (tmp_path / ".data").resolve()
    assert s.embedded_db_dir == s.data_dir / "pg"


def test_environment_variables_with_prefix_and_aliases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QUANTDESK_VENUE", "solana")
    monkeypatch.setenv("QUANTDESK_PYTH_SOURCE", "hermes")
    monkeypatch.setenv("QUANTDESK_API_PORT", "4002")
    monkeypatch.setenv("DATABASE_URL", "postgresql://mikey@db.internal:5432/quantdesk")
    monkeypatch.setenv("MIKEY_MODEL", "openai:gpt-4o-mini")
    s = load_settings()
    assert s.venue == "solana"
    assert s.pyth_source == "hermes"
    assert s.api_port == 4002
    assert s.database_url is not None
    assert s.database_url.get_secret_value() == "postgresql://mikey@db.internal:5432/quantdesk"
    assert s.mikey_model == "openai:gpt-4o-mini"


def test_dotenv_file_is_read_and_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("QUANTDESK_WEB_PORT=4001\nQUANTDESK_SOLANA_CLUSTER=mainnet-beta\n"
                                   f"QUANTDESK_HERMES_API_KEY={SECRET}\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QUANTDESK_SOLANA_CLUSTER", "testnet")
    s = load_settings()
    assert s.web_port == 4001
    assert s.solana_cluster == "testnet"
    assert s.hermes_api_key is not None and s.hermes_api_key.get_secret_value() == SECRET


def test_secrets_never_appear_in_repr_str_dump_or_display(tmp_path: Path) -> None:
    s = Settings(_env_file=None, data_dir=tmp_path, hermes_api_key=SECRET, llm_api_key=SECRET,
                 wallet_passphrase=SECRET,
                 database_url=f"postgresql://mikey:{DB_PASSWORD}@db.internal:5432/q")  # type: ignore[call-arg]
    rendered = [repr(s), str(s), s.model_dump_json(), str(s.model_dump()), str(s.display())]
    for text in rendered:
        assert SECRET not in text
        assert DB_PASSWORD not in text
    shown = s.display()
    assert shown["hermes_api_key"] == "**********"
    assert shown["database_url"] == "postgresql://mikey:***@db.internal:5432/q"


def test_mask_url_hides_only_the_password() -> None:
    assert mask_url("postgresql://u:pw@h:5/d?sslmode=require") == "postgresql://u:***@h:5/d?sslmode=require"
    assert mask_url("postgresql://u@h/d") == "postgresql://u@h/d"


@pytest.mark.parametrize(
    ("env", "value", "fragment"),
    [
        ("QUANTDESK_VENUE", "binance", "QUANTDESK_VENUE: Input should be 'paper' or 'solana' (got 'binance')"),
        ("QUANTDESK_WEB_PORT", "70000", "QUANTDESK_WEB_PORT"),
        ("QUANTDESK_PYTH_SOURCE", "coingecko", "QUANTDESK_PYTH_SOURCE"),
        ("DATABASE_URL", "mysql://root@localhost/x", "must be a postgresql:// URL"),
        ("QUANTDESK_WALLET_PATH", "/nonexistent/id.json", "wallet file /nonexistent/id.json does not exist"),
    ],
)
def test_bad_values_raise_one_config_error_naming_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: str, value: str, fragment: str
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(env, value)
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert fragment in str(err.value)


def test_config_error_for_a_bad_url_does_not_echo_its_password(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"mysql://root:{DB_PASSWORD}@localhost/x")
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert DB_PASSWORD not in str(err.value)
    assert "mysql://root:***@localhost/x" in str(err.value)


def test_web_sign_in_settings_default_to_passwords_and_the_pages_own_origin(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    s = load_settings()
    assert (s.web_auth, s.web_auth_header, s.web_allowed_origins, s.web_auth_secret) == (
        "password", "X-Forwarded-User", [], None)
    monkeypatch.setenv("QUANTDESK_WEB_AUTH", "header")
    monkeypatch.setenv("QUANTDESK_WEB_AUTH_HEADER", "X-Remote-User")
    monkeypatch.setenv("QUANTDESK_WEB_ALLOWED_ORIGINS", "https://Desk.example.com, http://127.0.0.1:8080")
    monkeypatch.setenv("CHAINLIT_AUTH_SECRET", SECRET * 3)
    s = load_settings()
    assert (s.web_auth, s.web_auth_header) == ("header", "X-Remote-User")
    assert s.web_allowed_origins == ["https://desk.example.com", "http://127.0.0.1:8080"]
    assert s.web_auth_secret is not None and s.web_auth_secret.get_secret_value() == SECRET * 3
    assert SECRET not in str(s.display()) and s.display()["web_auth_secret"] == "**********"


@pytest.mark.parametrize(("env", "value", "expected"), [
    ("QUANTDESK_WEB_ALLOWED_ORIGINS", "https://desk.example.com/chat", "each origin is scheme://host[:port]"),
    ("QUANTDESK_WEB_ALLOWED_ORIGINS", "*", "each origin is scheme://host[:port]"),
    ("QUANTDESK_WEB_ALLOWED_ORIGINS", "desk.example.com", "each origin is scheme://host[:port]"),
    ("QUANTDESK_WEB_AUTH_HEADER", "X Forwarded User", "must be an HTTP header name"),
    ("QUANTDESK_WEB_AUTH", "none", "Input should be 'password' or 'header'"),
    ("CHAINLIT_AUTH_SECRET", "short-" + SECRET, "at least 32 characters"),
])
def test_bad_web_sign_in_settings_are_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: str,
                                                      value: str, expected: str) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(env, value)
    with pytest.raises(ConfigError, match="invalid configuration") as refused:
        load_settings()
    assert expected in str(refused.value) and SECRET not in str(refused.value)
