"""`quantdesk bot discord` without its token: one `error:` line, exit 2."""

from __future__ import annotations

from pathlib import Path

from tests.quantdesk.cli.cli_helpers import assert_refused, quantdesk


def test_the_discord_bot_says_its_token_is_missing_in_one_error_line(tmp_path: Path) -> None:
    assert_refused(quantdesk(tmp_path / "data", "bot", "discord"), "QUANTDESK_DISCORD_BOT_TOKEN is not set")
