"""Structured logs: JSON off a terminal, ids bound per context, secrets redacted."""

from __future__ import annotations

import io
import json
from pathlib import Path

from pydantic import SecretStr

from quantdesk.logs import bind_ids, configure_logging, get_logger, new_request_id
from tests.conftest import make_settings


def _lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_logs_are_json_lines_with_bound_ids(tmp_path: Path) -> None:
    stream = io.StringIO()  # not a TTY
    configure_logging(make_settings(tmp_path), stream=stream)
    log = get_logger("test")
    rid = new_request_id()
    with bind_ids(request_id=rid, thread_id="t-42"):
        log.info("order.prepared", market="SOL-PERP")
    log.info("outside")
    first, second = _lines(stream)
    assert first["event"] == "order.prepared" and first["request_id"] == rid and first["thread_id"] == "t-42"
    assert first["market"] == "SOL-PERP" and first["level"] == "info" and "timestamp" in first
    assert "request_id" not in second


def test_secret_looking_fields_are_redacted(tmp_path: Path) -> None:
    stream = io.StringIO()
    configure_logging(make_settings(tmp_path), stream=stream)
    get_logger("test").warning("oops", private_key="5Kb8kLf9zgWQnogidDA76Mz", api_key="abc123",
                               token=SecretStr("tok-9"), user="alice")
    (line,) = _lines(stream)
    assert line["private_key"] == line["api_key"] == line["token"] == "[redacted]"
    assert line["user"] == "alice"
    text = stream.getvalue()
    assert "5Kb8kLf9zgWQnogidDA76Mz" not in text and "abc123" not in text and "tok-9" not in text


def test_level_filter_drops_debug_at_info(tmp_path: Path) -> None:
    stream = io.StringIO()
    configure_logging(make_settings(tmp_path, log_level="INFO"), stream=stream)
    log = get_logger("test")
    log.debug("noise")
    log.info("signal")
    assert [line["event"] for line in _lines(stream)] == ["signal"]
