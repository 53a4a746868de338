"""Mentions, direct messages and thread replies through the real Bolt app over
signed HTTP: answered in the Slack thread by one message updated in place."""

from __future__ import annotations

import pytest

from interfaces.slack._reply import THINKING
from tests.slack.conftest import ALICE, BOB, CHANNEL, SlackWorld, dm, mention, message, until

pytestmark = pytest.mark.asyncio(loop_scope="session")


def replies(slack: SlackWorld, channel: str, thread_ts: str | None = None):  # noqa: ANN201
    return [m for m in slack.double.posted(channel=channel, ephemeral=False) if m.thread_ts == thread_ts]


async def test_a_mention_is_answered_in_its_thread_by_updating_one_message(slack: SlackWorld) -> None:
    sent = await slack.send_event(mention(ALICE, "what's SOL doing?", ts="1700000001.000100"))
    assert sent.status_code == 200, sent.text
    answer = await until(lambda: [m for m in replies(slack, CHANNEL, "1700000001.000100")
                                  if "SOL-PERP: $146.78" in m.text], "the answer")
    [only] = replies(slack, CHANNEL, "1700000001.000100")
    assert only is answer[0]
    assert only.versions[0] == {"markdown_text": THINKING} and len(only.versions) >= 2
    assert "quality ok" in only.text
    assert slack.double.methods().count("chat.update") >= 1
    assert slack.rows("SELECT user_id, thread_id FROM audit_log WHERE event = 'message'") == [
        ("alice", f"slack:alice:T0TEAM:{CHANNEL}:1700000001.000100")]
