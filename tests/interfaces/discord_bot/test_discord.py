"""The Discord bot with the real discord.py client against the REST + gateway double:
mentions and DMs answered, a trade's embed in the owner's DM, the owner's click
deferred and followed by the outcome, anyone else refused, an expired ticket's
card redrawn, an unlinked account told how to link, a link code that links once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from interfaces.discord_bot import MikeyDiscord
from quantdesk.users import IdentityLinks
from tests.doubles.discord import BOT_ID, CHANNEL_ID, GUILD_ID, Sent, user
from tests.interfaces.discord_bot.conftest import ALICE, BOB, CAROL, DiscordWorld
from tests.interfaces.slack.conftest import until

pytestmark = pytest.mark.asyncio(loop_scope="session")
MIKEY = user(BOT_ID, "mikey", bot=True)


def dm_of(who: dict) -> str:
    return f"8{who['id'][1:]}"


def cards(world: DiscordWorld, channel: str) -> list[Sent]:
    return [m for m in world.double.posted(channel) if m.embeds]


async def test_a_mention_is_answered_by_one_edited_reply(discord_world: DiscordWorld) -> None:
    discord_world.double.message_create(ALICE, f"<@{BOT_ID}> what's SOL doing?", channel_id=CHANNEL_ID,
                                        guild_id=GUILD_ID, mentions=[MIKEY])
    [reply] = await until(lambda: [m for m in discord_world.double.posted(CHANNEL_ID) if "SOL-PERP: $146.78"
                                   in m.content], "the answer")
    assert len(discord_world.double.posted(CHANNEL_ID)) == 1 and len(reply.versions) >= 2
    assert reply.versions[0]["content"] == "*MIKEY is working on it…*"
    assert discord_world.rows("SELECT thread_id FROM audit_log WHERE event = 'message'") == [
        (f"discord:alice:{GUILD_ID}:{CHANNEL_ID}",)]


async def card_for_alice(world: DiscordWorld, text: str = "long 2 SOL 5x") -> Sent:
    world.double.message_create(ALICE, f"<@{BOT_ID}> {text}", channel_id=CHANNEL_ID, guild_id=GUILD_ID,
                                mentions=[MIKEY])
    [card] = await until(lambda: cards(world, dm_of(ALICE)), "the embed in alice's DM")
    return card


def status(world: DiscordWorld, ticket_hash: str) -> str:
    return world.rows("SELECT status FROM tickets WHERE ticket_hash = %s", ticket_hash)[0][0]


async def test_a_trade_goes_to_the_owners_dm_as_an_embed_with_buttons_carrying_the_hash(
        discord_world: DiscordWorld) -> None:
    card = await card_for_alice(discord_world)
    approve, reject = card.buttons()
    ticket_hash = approve["custom_id"].removeprefix("mikey:approve:")
    assert reject["custom_id"] == f"mikey:reject:{ticket_hash}" and len(ticket_hash) == 64
    text = card.all_text()
    for expected in ("LONG · Long 2 SOL-PERP at market", "Market: SOL-PERP", "Side: LONG", "Size: 2 SOL",
                     "Leverage: 5x", "Expected fill: $146.", "Fees: $0.1", "Margin: $58.", "Liquidation: $120.",
                     "expires in"):
        assert expected in text, (expected, text)
    assert status(discord_world, ticket_hash) == "pending"
    [note] = await until(lambda: [m for m in discord_world.double.posted(CHANNEL_ID) if "direct message" in m.content],
                         "the channel's note")
    assert not note.embeds and "146." not in note.content


async def test_the_owners_click_is_deferred_then_the_card_shows_the_fill(discord_world: DiscordWorld) -> None:
    card = await card_for_alice(discord_world)
    custom_id = card.buttons()[0]["custom_id"]
    token = discord_world.double.click(ALICE, card, custom_id)
    await until(lambda: not card.buttons() and len(card.versions) > 1, "the card redrawn")
    [callback] = [c for c in discord_world.double.callbacks if c["token"] == token]
    assert callback["type"] == 6  # DEFERRED_UPDATE_MESSAGE: acknowledged before the decision ran
    assert "FILLED: Bought 2 SOL at $146." in card.all_text()
    ticket_hash = custom_id.removeprefix("mikey:approve:")
    assert status(discord_world, ticket_hash) == "executed"
    await until(lambda: [m for m in discord_world.double.posted(dm_of(ALICE)) if "Filled: bought 2" in m.content],
                "the follow-up with the outcome")


async def test_anyone_but_the_owner_is_refused_audited_and_the_ticket_keeps_waiting(
        discord_world: DiscordWorld) -> None:
    card = await card_for_alice(discord_world)
    custom_id = card.buttons()[0]["custom_id"]
    ticket_hash = custom_id.removeprefix("mikey:approve:")
    for who in (BOB, CAROL):
        discord_world.double.click(who, card, custom_id)
    refusals = await until(lambda: [m for m in discord_world.double.posted(dm_of(ALICE)) if m.ephemeral]
                           if len([m for m in discord_world.double.posted(dm_of(ALICE)) if m.ephemeral]) == 2
                           else None, "two ephemeral refusals")
    assert {("owner" in m.content, "not linked" in m.content) for m in refusals} == {(True, False), (False, True)}
    refused_by = await until(lambda: sorted(discord_world.rows(
        "SELECT user_id FROM audit_log WHERE event = 'refusal' AND ticket_hash = %s", ticket_hash)) if len(
        discord_world.rows("SELECT 1 FROM audit_log WHERE event = 'refusal' AND ticket_hash = %s", ticket_hash)) == 2
        else None, "both refusals audited")
    assert refused_by == [("bob",), (f"discord:{CAROL['id']}",)]
    assert status(discord_world, ticket_hash) == "pending" and card.buttons() and len(card.versions) == 1


async def test_an_expired_tickets_card_loses_its_buttons(discord_world: DiscordWorld) -> None:
    card = await card_for_alice(discord_world, "long 1 SOL 2x")
    discord_world.clock.offset = timedelta(seconds=61)
    await until(lambda: not card.buttons(), "the expired card redrawn")
    assert "EXPIRED: Not approved in time; nothing was sent." in card.all_text()


async def test_an_unlinked_account_is_told_privately_and_a_link_code_links_it_once(
        discord_world: DiscordWorld) -> None:
    discord_world.double.message_create(CAROL, f"<@{BOT_ID}> long 2 SOL 5x", channel_id=CHANNEL_ID,
                                        guild_id=GUILD_ID, mentions=[MIKEY])
    [told] = await until(lambda: discord_world.double.posted(dm_of(CAROL)), "carol's private answer")
    assert "not linked to a QuantDesk user" in told.content and CAROL["id"] in told.content
    assert not discord_world.double.posted(CHANNEL_ID)
    links = IdentityLinks(discord_world.db.pool)
    code = links.create_code("carol", now=discord_world.clock()).code
    discord_world.double.message_create(CAROL, f"link {code}", channel_id=dm_of(CAROL))
    await until(lambda: [m for m in discord_world.double.posted(dm_of(CAROL)) if "Linked:" in m.content],
                "the link's answer")
    assert links.user_for("discord", CAROL["id"]) == "carol"
    discord_world.double.message_create(BOB, f"link {code}", channel_id=dm_of(BOB))
    await until(lambda: [m for m in discord_world.double.posted(dm_of(BOB)) if "not valid" in m.content],
                "the reused code's refusal")
    assert links.user_for("discord", BOB["id"]) == "bob"


async def test_a_dm_is_answered_in_the_dm_and_a_channel_message_without_a_mention_is_not(
        discord_world: DiscordWorld) -> None:
    discord_world.double.message_create(ALICE, "what's SOL doing?", channel_id=CHANNEL_ID, guild_id=GUILD_ID)
    discord_world.double.message_create(ALICE, "what's BTC doing?", channel_id=dm_of(ALICE))
    await until(lambda: [m for m in discord_world.double.posted(dm_of(ALICE)) if "BTC-PERP" in m.content],
                "the DM answer")
    assert not discord_world.double.posted(CHANNEL_ID)
    assert discord_world.rows("SELECT thread_id FROM audit_log WHERE event = 'message'") == [
        (f"discord:alice:dm:{dm_of(ALICE)}",)]


async def test_a_cards_buttons_still_work_after_the_bot_restarts(discord_world: DiscordWorld) -> None:
    card = await card_for_alice(discord_world)
    await discord_world.client.close()  # the process that sent the card is gone
    fresh = MikeyDiscord(discord_world.mikey, expiry_tick_s=0.1)
    await fresh.login(discord_world.double.token)
    connected = asyncio.create_task(fresh.connect(reconnect=False))
    try:
        await until(lambda: fresh.is_ready() and discord_world.double.ready, "the new connection's READY")
        discord_world.double.click(ALICE, card, card.buttons()[0]["custom_id"])
        await until(lambda: "FILLED" in card.all_text() and not card.buttons(), "the card decided by the new bot")
    finally:
        await fresh.close()
        await asyncio.gather(connected, return_exceptions=True)
