"""Tickets in Slack: a trade asked for in a channel goes to its owner's DM as a
Block Kit card; the owner's Approve runs in the background after the ack and the
card is redrawn in place with the fill; anyone else's click is refused, audited,
and the ticket keeps waiting; an expired ticket's card loses its buttons."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any

import pytest

from interfaces.slack import APPROVE, REJECT
from tests.doubles.slack import Posted
from tests.interfaces.slack.conftest import ALICE, BOB, CAROL, CHANNEL, SlackWorld, dm, mention, until

pytestmark = pytest.mark.asyncio(loop_scope="session")

ALICE_DM = "D0ALICE"


def cards(slack: SlackWorld, channel: str) -> list[Posted]:
    return [m for m in slack.double.posted(channel=channel, ephemeral=False) if m.blocks]


async def card_from_channel(slack: SlackWorld, text: str = "long 2 SOL 5x", ts: str = "1700000100.000100") -> Posted:
    sent = await slack.send_event(mention(ALICE, text, ts=ts))
    assert sent.status_code == 200
    [card] = await until(lambda: cards(slack, ALICE_DM), "the ticket card in alice's DM")
    return card


def status(slack: SlackWorld, ticket_hash: str) -> str:
    return slack.rows("SELECT status FROM tickets WHERE ticket_hash = %s", ticket_hash)[0][0]


async def test_a_trade_in_a_channel_goes_to_the_owners_dm_as_a_card(slack: SlackWorld) -> None:
    card = await card_from_channel(slack)
    fields = card.all_text()
    ticket_hash = card.buttons()[0]["value"]
    for expected in ("LONG", "Long 2 SOL-PERP at market", "*Market*\nSOL-PERP", "*Side*\nLONG", "*Size*\n2 SOL",
                     "*Leverage*\n5x", "*Expected fill*\n$146.", "*Fees*\n$0.1", "*Margin*\n$58.",
                     "*Liquidation*\n$120.", "Expires <!date^", ticket_hash[:8]):
        assert expected in fields, (expected, fields)
    assert [(b["action_id"], b["value"], b["text"]["text"]) for b in card.buttons()] == [
        (APPROVE, ticket_hash, "Approve"), (REJECT, ticket_hash, "Reject")]
    assert status(slack, ticket_hash) == "pending"
    channel_said = await until(lambda: [m for m in slack.double.posted(channel=CHANNEL)
                                        if "direct message" in m.text], "the channel's note")
    [note] = channel_said
    assert note.thread_ts == "1700000100.000100" and not note.blocks
    assert "146." not in note.all_text() and ticket_hash not in note.all_text()  # no ticket numbers in the channel


async def test_the_owner_approves_and_the_card_is_updated_in_place_with_the_fill(slack: SlackWorld) -> None:
    card = await card_from_channel(slack)
    ticket_hash = card.buttons()[0]["value"]
    started = time.monotonic()
    clicked = await slack.click(ALICE, APPROVE, card)
    assert clicked.status_code == 200 and clicked.text == ""  # the ack
    assert time.monotonic() - started < 3
    await until(lambda: not card.buttons(), "the card redrawn without buttons")
    assert "*FILLED*" in card.all_text() and "Bought 2 SOL at $146." in card.all_text()
    assert status(slack, ticket_hash) == "executed"
    said = await until(lambda: [m for m in slack.double.posted(channel=ALICE_DM) if "Filled: bought 2" in m.text],
                       "the fill's answer")
    assert said[0].ts != card.ts
    events = [e for e, in slack.rows("SELECT event FROM audit_log WHERE ticket_hash = %s ORDER BY id", ticket_hash)]
    assert events[:4] == ["ticket", "approval", "signature", "result"]


async def test_the_owner_rejects_and_nothing_is_sent(slack: SlackWorld) -> None:
    card = await card_from_channel(slack)
    ticket_hash = card.buttons()[0]["value"]
    assert (await slack.click(ALICE, REJECT, card, ticket_hash)).status_code == 200
    await until(lambda: not card.buttons(), "the card redrawn without buttons")
    assert "*REJECTED*" in card.all_text() and "Nothing was sent" in card.all_text()
    assert status(slack, ticket_hash) == "rejected"
    assert slack.rows("SELECT count(*) FROM audit_log WHERE event = 'signature'") == [(0,)]


async def test_anyone_but_the_owner_is_refused_audited_and_the_ticket_keeps_waiting(slack: SlackWorld) -> None:
    card = await card_from_channel(slack)
    ticket_hash = card.buttons()[0]["value"]
    for who in (BOB, CAROL):  # bob is another user; carol's Slack account is linked to no one
        assert (await slack.click(who, APPROVE, card)).status_code == 200
    # Slack refuses an ephemeral message in alice's DM to anyone else: each is told in their own DM.
    [to_bob] = await until(lambda: slack.double.posted(channel="D0BOB"), "bob's refusal")
    assert "Only the ticket's owner can approve it" in to_bob.text and "still waiting" in to_bob.text
    [to_carol] = await until(lambda: slack.double.posted(channel="D0CAROL"), "carol's refusal")
    assert "not linked" in to_carol.text
    refusals = slack.rows("SELECT user_id, detail->>'action' FROM audit_log WHERE event = 'refusal' "
                          "AND ticket_hash = %s ORDER BY user_id", ticket_hash)
    assert refusals == [("bob", "approve"), ("slack:T0TEAM:U0CAROL", "approve")]
    assert status(slack, ticket_hash) == "pending"
    assert len(card.versions) == 1 and card.buttons()  # the card was never touched
    assert (await slack.click(ALICE, APPROVE, card)).status_code == 200  # the owner still can
    await until(lambda: "*FILLED*" in card.all_text(), "the owner's fill")


async def test_a_card_whose_ticket_expires_loses_its_buttons_and_a_late_click_sends_nothing(
        slack: SlackWorld) -> None:
    sent = await slack.send_event(dm(ALICE, "long 1 SOL 2x", ts="1700000200.000100"))
    assert sent.status_code == 200
    [card] = await until(lambda: cards(slack, ALICE_DM), "the ticket card in the DM")
    ticket_hash = card.buttons()[0]["value"]
    # The reply is updated in place (chat.update) while the card is posted: wait for its final text.
    def intro() -> list[Any]:
        return [m for m in slack.double.posted(channel=ALICE_DM) if m is not card]

    await until(lambda: bool(intro()) and "approve or reject it below" in intro()[0].text, "the reply's final text")
    slack.clock.offset = timedelta(seconds=61)
    await until(lambda: not card.buttons(), "the expired card redrawn")
    assert "*EXPIRED*" in card.all_text() and "Not approved in time; nothing was sent." in card.all_text()
    assert (await slack.click(ALICE, APPROVE, card, ticket_hash)).status_code == 200
    await until(lambda: status(slack, ticket_hash) == "expired", "the late approval closing the ticket")
    await asyncio.sleep(0.3)
    assert "*EXPIRED*" in card.all_text() and not card.buttons()
    assert slack.rows("SELECT count(*) FROM audit_log WHERE event = 'signature'") == [(0,)]


async def test_a_decision_on_another_surface_redraws_the_slack_card(slack: SlackWorld) -> None:
    card = await card_from_channel(slack)
    ticket_hash = card.buttons()[0]["value"]
    thread_id = slack.rows("SELECT thread_id FROM tickets WHERE ticket_hash = %s", ticket_hash)[0][0]
    # What the chat API's POST /v1/tickets/{hash}/approve and the web page's button do: ChatSession, by hash.
    events = [e async for e in slack.mikey.session.approve(thread_id, "alice", ticket_hash)]
    assert any(e.type == "execution" and e.data.get("ok") for e in events)
    await until(lambda: "*FILLED*" in card.all_text(), "the card redrawn by its watcher")
    assert not card.buttons()
