"""Credentials inside URLs never reach a screen or a log: userinfo passwords,
``password=`` in libpq keyword strings and query strings, and any query
parameter named like a key or token, through the real CLI and the real logs."""

from __future__ import annotations

import io
import json
import logging
import signal
import subprocess
import time
from pathlib import Path

import pytest

from quantdesk.db import Database
from quantdesk.logs import configure_logging, get_logger
from quantdesk.masking import mask_url
from tests.conftest import make_settings
from tests.doubles.loopback import free_port, serve
from tests.quantdesk.cli.cli_helpers import QUANTDESK, cli_env, quantdesk, url_form

S1, S2, S3, S4 = "pw-c0ffee11", "key-d00d2222", "tok-beef3333", "sig-fade4444"


@pytest.mark.parametrize(
    ("text", "secrets", "shown"),
    [
        ("postgresql://mikey:pw-c0ffee11@db.example:5432/q", [S1], "postgresql://mikey:***@db.example:5432/q"),
        ("postgresql://mikey@db.example/q?sslmode=require&password=pw-c0ffee11", [S1],
         "postgresql://mikey@db.example/q?sslmode=require&password=***"),
        ("host=db.example password=pw-c0ffee11 dbname=q", [S1], "host=db.example password=*** dbname=q"),
        ("host=db.example password='pw c0ffee11' dbname=q", ["c0ffee11"], "host=db.example password=*** dbname=q"),
        ("https://rpcuser:pw-c0ffee11@rpc.example/?api-key=key-d00d2222", [S1, S2],
         "https://rpcuser:***@rpc.example/?api-key=***"),
        ("https://h.example/v1?api_key=key-d00d2222&apikey=key-d00d2222&key=key-d00d2222&ids[]=ab", [S2],
         "https://h.example/v1?api_key=***&apikey=***&key=***&ids[]=ab"),
        ("https://h.example/?token=tok-beef3333&access_token=tok-beef3333&secret=tok-beef3333&auth=tok-beef3333",
         [S3], "https://h.example/?token=***&access_token=***&secret=***&auth=***"),
        ("https://h.example/?X-Amz-Signature=sig-fade4444&sig=sig-fade4444#access_token=tok-beef3333", [S3, S4],
         "https://h.example/?X-Amz-Signature=***&sig=***#access_token=***"),
        ("Client error '500' for url 'http://u:pw-c0ffee11@127.0.0.1:9/?api-key=key-d00d2222'", [S1, S2],
         "for url 'http://u:***@127.0.0.1:9/?api-key=***'"),
        ("config url=https://u:pw-c0ffee11@h.example/x", [S1], "url=https://u:***@h.example/x"),
    ],
)
def test_mask_url_hides_every_credential_form(text: str, secrets: list[str], shown: str) -> None:
    masked = mask_url(text)
    assert not any(s in masked for s in secrets), masked
    assert shown in masked


def test_mask_url_leaves_urls_without_credentials_alone() -> None:
    for text in ("https://hermes.pyth.network", "postgresql://mikey@db.example:5432/q?sslmode=require",
                 "http://127.0.0.1:3003/status", "host=db dbname=q user=mikey", "not a url"):
        assert mask_url(text) == text


def _show(tmp_path: Path, **env: str) -> str:
    out = quantdesk(tmp_path / "data", "config", "show", COLUMNS="300", **env)
    assert out.returncode == 0, out.stderr
    return out.stdout + out.stderr


def test_config_show_masks_a_password_in_the_database_urls_query(tmp_path: Path) -> None:
    text = _show(tmp_path, DATABASE_URL=f"postgresql://mikey@db.example/q?password={S1}")
    assert S1 not in text
    assert "postgresql://mikey@db.example/q?password=***" in text


def test_config_show_masks_rpc_userinfo_and_keys_in_every_url_setting(tmp_path: Path) -> None:
    text = _show(tmp_path, QUANTDESK_SOLANA_RPC_URL=f"https://rpcuser:{S1}@rpc.example/?api-key={S2}",
                 QUANTDESK_HERMES_URL=f"https://hermes.example/?token={S3}",
                 QUANTDESK_LLM_BASE_URL=f"https://llm.example/v1?key={S4}")
    for secret in (S1, S2, S3, S4):
        assert secret not in text
    assert "https://rpcuser:***@rpc.example/?api-key=***" in text
    assert "https://hermes.example/?token=***" in text and "https://llm.example/v1?key=***" in text


def test_settings_repr_masks_urls(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, solana_rpc_url=f"https://rpcuser:{S1}@rpc.example/?api-key={S2}")
    for text in (repr(settings), str(settings)):
        assert S1 not in text and S2 not in text
        assert "https://rpcuser:***@rpc.example/?api-key=***" in text


def _one_error_line(out: subprocess.CompletedProcess[str]) -> str:
    assert out.returncode == 2, out.stdout + out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), out.stderr
    return lines[0]


def test_a_libpq_keyword_database_url_is_refused_without_echoing_its_password(tmp_path: Path) -> None:
    out = quantdesk(tmp_path / "data", "db", "status", COLUMNS="300",
                    DATABASE_URL=f"host=db.example password={S1} dbname=q")
    line = _one_error_line(out)
    assert S1 not in out.stdout + out.stderr
    assert "password=***" in line and "postgresql://" in line


@pytest.mark.parametrize(
    "url", [f"postgresql://mikey:{S1}@127.0.0.1:{{port}}/q", f"postgresql://mikey@127.0.0.1:{{port}}/q?password={S1}"]
)
def test_db_status_on_an_unreachable_url_masks_its_password(tmp_path: Path, url: str) -> None:
    out = quantdesk(tmp_path / "data", "db", "status", COLUMNS="300", DATABASE_URL=url.format(port=free_port()))
    line = _one_error_line(out)
    assert "cannot reach the database" in line
    assert S1 not in out.stdout + out.stderr
    assert "***" in line


def test_logs_mask_urls_in_structured_values_and_in_library_lines(tmp_path: Path) -> None:
    stream = io.StringIO()
    configure_logging(make_settings(tmp_path), stream=stream)
    url = f"https://rpcuser:{S1}@rpc.example/?api-key={S2}"
    get_logger("test").warning("source.failed", error=f"Solana RPC at {url} unreachable", endpoint=url)
    logging.getLogger("httpx").info('HTTP Request: POST %s "HTTP/1.1 500"', url)
    try:
        raise ConnectionError(f"connect to {url} failed")
    except ConnectionError:
        get_logger("test").exception("source.crashed")
        logging.getLogger("somelib").exception("crashed")
    text = stream.getvalue()
    assert S1 not in text and S2 not in text, text
    assert text.count("https://rpcuser:***@rpc.example/?api-key=***") >= 5


def _rpc_that_fails():  # noqa: ANN202
    """An RPC endpoint answering every request with HTTP 500, like an overloaded node."""
    async def app(scope, receive, send):  # noqa: ANN001, ANN202
        await receive()
        await send({"type": "http.response.start", "status": 500, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"upstream overloaded"})
    return serve(app)


@pytest.mark.slow
def test_ingest_logs_and_status_never_show_the_rpc_or_database_credentials(fresh_database: Database,
                                                                          tmp_path: Path) -> None:
    status_port = free_port()
    with _rpc_that_fails() as rpc:
        rpc_url = rpc.replace("http://", f"http://rpcuser:{S1}@") + f"/?api-key={S2}"
        env = cli_env(tmp_path / "data", DATABASE_URL=url_form(fresh_database.url, password=S3),
                      QUANTDESK_PYTH_SOURCE="onchain", QUANTDESK_SOLANA_RPC_URL=rpc_url,
                      QUANTDESK_ONCHAIN_POLL_INTERVAL_MS="100", QUANTDESK_SOURCE_BACKOFF_INITIAL_S="0.05",
                      QUANTDESK_SOURCE_BACKOFF_MAX_S="0.2", QUANTDESK_INGEST_PORT=str(status_port),
                      QUANTDESK_LOG_FORMAT="json")
        proc = subprocess.Popen([*QUANTDESK, "ingest", "run"], env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        try:
            deadline = time.monotonic() + 60
            while True:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                assert time.monotonic() < deadline, "the ingest service never reported the RPC failure"
                status = subprocess.run([*QUANTDESK, "ingest", "status", "--json"], env=env, cwd=tmp_path,
                                        capture_output=True, text=True, timeout=60)
                if status.returncode == 0 and json.loads(status.stdout)["breaker"]["last_error"]:
                    break
                time.sleep(0.3)
            proc.send_signal(signal.SIGTERM)
            out, _ = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
    shown = out + status.stdout + status.stderr
    for secret in (S1, S2, S3):
        assert secret not in shown, shown
    assert "rpcuser:***@127.0.0.1" in status.stdout and "api-key=***" in status.stdout
    assert "HTTP Request: POST" in out and "api-key=***" in out
