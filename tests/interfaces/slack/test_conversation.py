"""Mentions, direct messages and thread replies through the real Bolt app over
signed HTTP: answered in the Slack thread by one message updated in place."""

from __future__ import annotations

import time

import pytest

from interfaces.slack import THINKING
from quantdesk.users import IdentityLinks
from tests.doubles.slack import event_callback
from tests.interfaces.slack.conftest import ALICE, BOB, CAROL, CHANNEL, SlackWorld, dm, mention, message, until

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


async def test_a_dm_is_answered_in_the_dm_and_a_thread_reply_goes_on_without_a_mention(slack: SlackWorld) -> None:
    assert (await slack.send_event(dm(ALICE, "what's BTC doing?", ts="1700000010.000100"))).status_code == 200
    await until(lambda: [m for m in replies(slack, "D0ALICE") if "BTC-PERP: $95,000" in m.text], "the DM answer")
    await slack.send_event(mention(ALICE, "what's SOL doing?", ts="1700000011.000100"))
    await until(lambda: [m for m in replies(slack, CHANNEL, "1700000011.000100") if "SOL-PERP" in m.text],
                "the answer in the thread")
    await slack.send_event(message(ALICE, "and ETH?", ts="1700000012.000100", channel=CHANNEL, channel_type="channel",
                                   thread_ts="1700000011.000100"))
    await until(lambda: [m for m in replies(slack, CHANNEL, "1700000011.000100") if "ETH-PERP" in m.text],
                "the reply's answer")
    # bob replying in alice's thread without a mention is not talking to MIKEY; nor is a thread MIKEY is not in
    await slack.send_event(message(BOB, "what's BTC doing?", ts="1700000013.000100", channel=CHANNEL,
                                   channel_type="channel", thread_ts="1700000011.000100"))
    await slack.send_event(message(ALICE, "what's BTC doing?", ts="1700000014.000100", channel=CHANNEL,
                                   channel_type="channel", thread_ts="1700000099.000100"))
    await slack.send_event(message(ALICE, "what's BTC doing?", ts="1700000015.000100", channel=CHANNEL,
                                   channel_type="channel"))
    await slack.send_event(dm(ALICE, "marker", ts="1700000016.000100"))  # handled after the three above
    await until(lambda: len([m for m in replies(slack, "D0ALICE") if len(m.versions) > 1]) == 2,
                "the marker's answer")
    await slack.app.bot.idle()
    assert not [m for m in slack.double.posted(channel=CHANNEL) if "BTC" in m.all_text()]
    threads = {t for t, in slack.rows("SELECT DISTINCT thread_id FROM audit_log WHERE event = 'message'")}
    assert threads == {"slack:alice:T0TEAM:D0ALICE:dm", f"slack:alice:T0TEAM:{CHANNEL}:1700000011.000100"}


async def test_an_unlinked_identity_is_told_how_to_link_and_reaches_nothing(slack: SlackWorld) -> None:
    await slack.send_event(mention(CAROL, "long 2 SOL 5x", ts="1700000020.000100"))
    [private] = await until(lambda: slack.double.posted(ephemeral=True), "carol's private answer")
    assert private.ephemeral_to == CAROL and private.channel == CHANNEL
    assert "not linked to a QuantDesk user" in private.text and "T0TEAM:U0CAROL" in private.text
    assert "link QD-" in private.text and "direct message" in private.text
    await slack.send_event(dm(CAROL, "my positions", ts="1700000021.000100"))
    [told] = await until(lambda: replies(slack, "D0CAROL"), "carol's DM answer")
    assert "not linked" in told.text
    assert not replies(slack, CHANNEL, "1700000020.000100")  # nothing public
    assert slack.rows("SELECT count(*) FROM audit_log") == [(0,)] and slack.rows("SELECT count(*) FROM tickets") == [
        (0,)]


async def test_a_link_code_sent_in_a_dm_links_the_identity_once(slack: SlackWorld) -> None:
    links = IdentityLinks(slack.db.pool)
    code = links.create_code("carol", now=slack.clock()).code
    await slack.send_event(dm(CAROL, f"link {code}", ts="1700000030.000100"))
    [linked] = await until(lambda: replies(slack, "D0CAROL"), "the link's answer")
    assert "Linked: Carol (`T0TEAM:U0CAROL`) is QuantDesk user *carol*" in linked.text
    assert links.user_for("slack", "T0TEAM:U0CAROL") == "carol"
    assert "users.info" in slack.double.methods()
    await slack.send_event(dm(CAROL, "what's SOL doing?", ts="1700000031.000100"))
    await until(lambda: [m for m in replies(slack, "D0CAROL") if "SOL-PERP" in m.text], "carol's first answer")
    await slack.send_event(dm(BOB, f"link {code}", ts="1700000032.000100"))  # used: bob stays bob
    [refused] = await until(lambda: replies(slack, "D0BOB"), "the reused code's answer")
    assert "Not linked: that link code is not valid" in refused.text
    assert links.user_for("slack", "T0TEAM:U0BOB") == "bob"
    assert not [t for t, in slack.rows("SELECT detail->>'text' FROM audit_log WHERE event = 'message'")
                if code.replace("-", "")[2:6] in t]  # a code never reaches MIKEY


async def test_a_link_code_posted_in_a_channel_is_voided_and_links_nothing(slack: SlackWorld) -> None:
    links = IdentityLinks(slack.db.pool)
    code = links.create_code("carol", now=slack.clock()).code
    await slack.send_event(mention(CAROL, f"link {code}", ts="1700000040.000100"))
    [private] = await until(lambda: slack.double.posted(ephemeral=True), "the private warning")
    assert private.ephemeral_to == CAROL and "no longer works" in private.text
    await slack.send_event(dm(CAROL, f"link {code}", ts="1700000041.000100"))
    [refused] = await until(lambda: replies(slack, "D0CAROL"), "the voided code's answer")
    assert "not valid" in refused.text and links.user_for("slack", "T0TEAM:U0CAROL") is None


async def test_a_request_with_a_bad_or_stale_signature_is_rejected_and_does_nothing(slack: SlackWorld) -> None:
    wrong = await slack.send_event(mention(ALICE, "long 2 SOL 5x", ts="1700000050.000100"), secret="not-the-secret")
    stale = await slack.send_event(mention(ALICE, "long 2 SOL 5x", ts="1700000051.000100"),
                                   timestamp=int(time.time()) - 600)
    unsigned = await slack.http.post("/slack/events", json=event_callback(mention(ALICE, "hi", ts="1700000052.0")))
    assert (wrong.status_code, stale.status_code, unsigned.status_code) == (401, 401, 401)
    await slack.send_event(dm(ALICE, "what's SOL doing?", ts="1700000053.000100"))  # a good one after them
    await until(lambda: [m for m in replies(slack, "D0ALICE") if "SOL-PERP" in m.text], "the signed request's answer")
    assert not slack.double.posted(channel=CHANNEL)
    assert slack.rows("SELECT count(*) FROM audit_log WHERE event = 'message'") == [(1,)]
