"""Socket Mode: the real Bolt Socket Mode handler (slack-sdk's aiohttp client) opens
its WebSocket through ``apps.connections.open`` with the app token, acknowledges
each envelope, and the mention in it is answered like one over HTTP."""

from __future__ import annotations

import pytest
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from tests.doubles.slack import event_callback
from tests.interfaces.slack.conftest import ALICE, CHANNEL, SlackWorld, mention, until

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_mention_over_socket_mode_is_acknowledged_and_answered(slack: SlackWorld) -> None:
    handler = AsyncSocketModeHandler(slack.app.bolt, slack.double.app_token)
    await handler.connect_async()
    try:
        await until(lambda: slack.double.socket_connected, "the Socket Mode connection")
        envelope = slack.double.push("events_api", event_callback(mention(ALICE, "what's SOL doing?",
                                                                          ts="1700000300.000100")))
        await until(lambda: [a for a in slack.double.acks if a.get("envelope_id") == envelope], "the ack")
        await until(lambda: [m for m in slack.double.posted(channel=CHANNEL)
                             if m.thread_ts == "1700000300.000100" and "SOL-PERP: $146.78" in m.text], "the answer")
    finally:
        await handler.close_async()
    assert "apps.connections.open" in slack.double.methods()
