"""`quantdesk bot slack` in a real subprocess: without what its mode needs it says so
in one `error:` line (exit 2), never echoing a token."""

from __future__ import annotations

from pathlib import Path

from tests.foundation.cli_helpers import assert_refused, quantdesk


def test_the_bot_command_says_what_is_missing_in_one_error_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert_refused(quantdesk(data, "bot", "slack"), "QUANTDESK_SLACK_BOT_TOKEN is not set")
    socket = quantdesk(data, "bot", "slack", QUANTDESK_SLACK_BOT_TOKEN="xoxb-1-2")
    assert_refused(socket, "QUANTDESK_SLACK_APP_TOKEN is not set")
    assert "xoxb-1-2" not in socket.stderr
    assert_refused(quantdesk(data, "bot", "slack", QUANTDESK_SLACK_BOT_TOKEN="xoxb-1-2", QUANTDESK_SLACK_MODE="http"),
                   "QUANTDESK_SLACK_SIGNING_SECRET is not set")
    assert_refused(quantdesk(data, "bot", "slack", QUANTDESK_SLACK_BOT_TOKEN="xapp-1"), "must start with xoxb-")
