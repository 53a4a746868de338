"""`quantdesk bot slack` in a real subprocess: without what its mode needs, or with a
token Slack refuses, it says so in one `error:` line (exit 2), never echoing a token;
with its tokens it serves signed HTTP events until Ctrl-C."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import httpx

from quantdesk.db import Database
from quantdesk.users import IdentityLinks, UserStore
from tests.doubles.loopback import free_port
from tests.doubles.slack import TEAM, SlackDouble, event_callback, signed_headers
from tests.interfaces.api.conftest import own_database
from tests.interfaces.slack.conftest import ALICE, SECRET, dm
from tests.quantdesk.cli.cli_helpers import assert_refused, quantdesk, started


def test_the_bot_command_says_what_is_missing_in_one_error_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert_refused(quantdesk(data, "bot", "slack"), "QUANTDESK_SLACK_BOT_TOKEN is not set")
    socket = quantdesk(data, "bot", "slack", QUANTDESK_SLACK_BOT_TOKEN="xoxb-1-2")
    assert_refused(socket, "QUANTDESK_SLACK_APP_TOKEN is not set")
    assert "xoxb-1-2" not in socket.stderr
    assert_refused(quantdesk(data, "bot", "slack", QUANTDESK_SLACK_BOT_TOKEN="xoxb-1-2", QUANTDESK_SLACK_MODE="http"),
                   "QUANTDESK_SLACK_SIGNING_SECRET is not set")
    assert_refused(quantdesk(data, "bot", "slack", QUANTDESK_SLACK_BOT_TOKEN="xapp-1"), "must start with xoxb-")


def test_a_bot_token_slack_refuses_is_one_error_line(tmp_path: Path,
                                                     slack_double: tuple[SlackDouble, str]) -> None:
    _, base = slack_double
    refused = quantdesk(tmp_path / "data", "bot", "slack", QUANTDESK_SLACK_BOT_TOKEN="xoxb-not-this-one",
                        QUANTDESK_SLACK_APP_TOKEN="xapp-1", QUANTDESK_SLACK_API_URL=f"{base}/api/")
    assert_refused(refused, "Slack refused QUANTDESK_SLACK_BOT_TOKEN: invalid_auth")
    assert "xoxb-not-this-one" not in refused.stderr


def test_the_bot_starts_with_its_tokens_answers_signed_events_and_stops_on_ctrl_c(
        tmp_path: Path, database: Database, slack_double: tuple[SlackDouble, str]) -> None:
    double, base = slack_double
    double.messages.clear()
    port = free_port()
    with own_database(database) as db:
        UserStore(db.pool).add("alice", None, by="test")
        IdentityLinks(db.pool).link("slack", f"{TEAM}:{ALICE}", "alice", by="test")
        env = {"DATABASE_URL": db.url, "QUANTDESK_SLACK_MODE": "http", "QUANTDESK_SLACK_BOT_TOKEN": double.bot_token,
               "QUANTDESK_SLACK_SIGNING_SECRET": SECRET, "QUANTDESK_SLACK_API_URL": f"{base}/api/",
               "QUANTDESK_SLACK_PORT": str(port)}
        with started(tmp_path / "data", "bot", "slack", **env) as proc:
            deadline = time.monotonic() + 120
            while True:
                assert proc.poll() is None, proc.communicate()[0]
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "the bot did not start"
                time.sleep(0.2)
            body = json.dumps(event_callback(dm(ALICE, "help", ts="1700000400.000100")))
            sent = httpx.post(f"http://127.0.0.1:{port}/slack/events", content=body,
                              headers=signed_headers(SECRET, body))
            assert sent.status_code == 200
            deadline = time.monotonic() + 60
            while not [m for m in double.posted(channel="D0ALICE") if len(m.versions) > 1]:
                assert time.monotonic() < deadline, double.posted()
                time.sleep(0.1)
            proc.send_signal(signal.SIGINT)
            out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    assert "slack.ready" in out and "Traceback" not in out and double.bot_token not in out


def test_config_show_masks_the_slack_secrets(tmp_path: Path) -> None:
    secrets = {"QUANTDESK_SLACK_BOT_TOKEN": "xoxb-123-secret-bot", "QUANTDESK_SLACK_APP_TOKEN": "xapp-1-secret-app",
               "QUANTDESK_SLACK_SIGNING_SECRET": "secret-signing-0123456789"}
    shown = quantdesk(tmp_path / "data", "config", "show", COLUMNS="200", **secrets)
    assert shown.returncode == 0, shown.stderr
    for value in secrets.values():
        assert value not in shown.stdout and value not in shown.stderr
    assert [line for line in shown.stdout.splitlines() if "slack_bot_token" in line and "**********" in line]
