"""The Discord bot (discord.py 2.x): mentions and direct messages become ChatSession
turns (message content intent), tickets become embeds with persistent buttons, and
a click becomes a decision naming the ticket's hash.

Who may do what is the same as in Slack (``interfaces/slack/_bot.py``): a Discord
user id is looked up in the identity links; unlinked, it may only link (``link
QD-…`` in a DM); a ticket asked for in a server channel goes to its owner by DM;
only the owner's click decides (``interaction_check``), anyone else's is refused
through ChatSession (audited) and answered ephemerally. The MIKEY thread is
``discord:<user>:<guild or dm>:<channel>`` (a Discord thread is a channel).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any

import discord

from agent import ChatEvent
from interfaces._assembly import Mikey
from interfaces._ticket_card import card_status
from interfaces.discord_bot._cards import ApproveButton, RejectButton, card_embed, ticket_view
from quantdesk.logs import get_logger
from quantdesk.users import IdentityLinks, IdentityTaken, InvalidLinkCode, find_link_code

log = get_logger(__name__)

_WATCH_GRACE = timedelta(minutes=5)
_MAX_CONTENT = 1900  # a message holds 2,000 characters
NOT_LINKED = ("Your Discord account (`{identity}`) is not linked to a QuantDesk user yet, so linking is all I can "
              "do for you. Get a one-time link code (with your API key: `POST /v1/link-codes`; or from an operator: "
              "`quantdesk link code --user NAME`) and send `link QD-XXXX-XXXX-XXXX` to me in a direct message. "
              "An operator can also link you directly: `quantdesk link discord --user NAME --id {identity}`.")
NOT_OWNER = "Only the ticket's owner can {action} it. Nothing was done; ticket `{short}` is still waiting."
CODE_IN_CHANNEL = ("Link codes go to me in a direct message only. That code was posted where others can read it, "
                   "so it no longer works: get a new one and send it to me in a DM.")
TICKET_TO_DM = "I sent you ticket `{short}` in a direct message: approve or reject it there."


def discord_thread_id(user_id: str, guild: str, channel: str) -> str:
    return f"discord:{user_id}:{guild}:{channel}"


class MikeyDiscord(discord.Client):
    def __init__(self, mikey: Mikey, *, expiry_tick_s: float = 5.0, stream_interval_s: float = 1.0,
                 **options: Any) -> None:
        intents = discord.Intents.default()
        intents.message_content = True  # privileged: turn it on in the Developer Portal (README)
        super().__init__(intents=intents, **options)
        self.mikey = mikey
        self._links = IdentityLinks(mikey.db.pool)
        self._expiry_tick_s, self._stream_interval_s = expiry_tick_s, stream_interval_s
        self._tasks: set[asyncio.Task[None]] = set()

    async def setup_hook(self) -> None:
        # Registered before the gateway connects: any card's buttons work, whenever it was sent.
        self.add_dynamic_items(ApproveButton, RejectButton)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)
        await super().close()

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- messages --------------------------------------------------------------
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or self.user is None:
            return
        in_dm = isinstance(message.channel, discord.DMChannel)
        if not in_dm and self.user not in message.mentions:
            return
        text = message.content.replace(f"<@{self.user.id}>", " ").replace(f"<@!{self.user.id}>", " ")
        text = " ".join(text.split())
        identity = str(message.author.id)
        code = find_link_code(text)
        if code is not None:
            if in_dm:
                await self._link(message, identity, code)
            else:
                await asyncio.to_thread(self._links.void_code, code, now=self.mikey.clock())
                await message.author.send(CODE_IN_CHANNEL)
            return
        user_id = await asyncio.to_thread(self._links.user_for, "discord", identity)
        if user_id is None:
            await message.author.send(NOT_LINKED.format(identity=identity))
            return
        guild = "dm" if in_dm else str(message.guild.id if message.guild else getattr(message.channel, "guild_id",
                                                                                        "guild"))
        thread_id = discord_thread_id(user_id, guild, str(message.channel.id))
        reply = await (message.channel.send("*MIKEY is working on it…*") if in_dm
                       else message.reply("*MIKEY is working on it…*", mention_author=False))
        said: list[str] = []
        shown, last = "", 0.0
        async for event in self.mikey.session.send(thread_id, user_id, text or "help"):
            if event.type == "ticket":
                stored = await asyncio.to_thread(self.mikey.tickets.get, str(event.data["ticket"]["ticket_hash"]))
                if stored is None:
                    continue
                embed, _ = card_embed(stored, self.mikey.clock())
                target = message.channel if in_dm else message.author
                if not in_dm and said:
                    await message.author.send("\n\n".join(said)[:_MAX_CONTENT])
                    said = []
                card = await target.send(embed=embed, view=ticket_view(stored.ticket.ticket_hash))
                self._spawn(self._watch(card, stored.ticket.ticket_hash))
                said.append("Here is your ticket: approve or reject it below." if in_dm
                            else TICKET_TO_DM.format(short=stored.ticket.short_hash))
            elif (line := _line(event)) is not None:
                said.append(line)
            now_said = "\n\n".join(said)[:_MAX_CONTENT]
            if now_said and now_said != shown and time.monotonic() - last >= self._stream_interval_s:
                await reply.edit(content=now_said)  # one message, edited as MIKEY goes on
                shown, last = now_said, time.monotonic()
        final = "\n\n".join(said)[:_MAX_CONTENT] or "Done."
        if final != shown:
            await reply.edit(content=final)

    async def _link(self, message: discord.Message, identity: str, code: str) -> None:
        try:
            record = await asyncio.to_thread(self._links.redeem, code, "discord", identity, now=self.mikey.clock())
        except (InvalidLinkCode, IdentityTaken) as exc:
            await message.channel.send(f"Not linked: {exc}.")
            return
        log.info("discord.linked", identity=identity, user_id=record.user_id)
        await message.channel.send(f"Linked: {message.author.name} (`{identity}`) is QuantDesk user "
                                   f"**{record.user_id}** now. Ask me anything, e.g. `price of SOL`.")

    # --- buttons ---------------------------------------------------------------
    async def owner_check(self, interaction: discord.Interaction, action: str, ticket_hash: str) -> bool:
        identity = str(interaction.user.id)
        stored = await asyncio.to_thread(self.mikey.tickets.get, ticket_hash)
        if stored is None:
            await interaction.response.send_message("That ticket does not exist.", ephemeral=True)
            return False
        user_id = await asyncio.to_thread(self._links.user_for, "discord", identity)
        if user_id == stored.ticket.user_id:
            return True
        if user_id is None:
            await asyncio.to_thread(self.mikey.audit.refusal, action, user_id=f"discord:{identity}",
                                    thread_id=stored.ticket.thread_id, named=ticket_hash,
                                    reason="a Discord identity not linked to any user")
            await interaction.response.send_message(NOT_LINKED.format(identity=identity), ephemeral=True)
            return False
        # Answered first (Discord wants a response within 3 s, and the refusal below may wait for the
        # owner's turn on the thread); then sent on: ChatSession refuses another user's decision before
        # the graph runs, and audits it.
        await interaction.response.send_message(NOT_OWNER.format(action=action, short=stored.ticket.short_hash),
                                                ephemeral=True)
        decide = self.mikey.session.approve if action == "approve" else self.mikey.session.reject
        async for _ in decide(stored.ticket.thread_id, user_id, ticket_hash):
            pass
        log.warning("discord.decision_refused", ticket=stored.ticket.short_hash, by=user_id, action=action)
        return False

    async def decide(self, interaction: discord.Interaction, action: str, ticket_hash: str) -> None:
        """The owner's click (already deferred): the decision, the card redrawn, the outcome followed up."""
        stored = await asyncio.to_thread(self.mikey.tickets.get, ticket_hash)
        assert stored is not None
        user_id = stored.ticket.user_id
        decide = self.mikey.session.approve if action == "approve" else self.mikey.session.reject
        said: list[str] = []
        fresh: list[str] = []
        async for event in decide(stored.ticket.thread_id, user_id, ticket_hash):
            if event.type == "ticket":
                fresh.append(str(event.data["ticket"]["ticket_hash"]))
            elif (line := _line(event)) is not None:
                said.append(line)
        after = await asyncio.to_thread(self.mikey.tickets.get, ticket_hash)
        assert after is not None
        embed, _ = card_embed(after, self.mikey.clock())
        await interaction.edit_original_response(embed=embed, view=None)
        if said:
            await interaction.followup.send("\n\n".join(said)[:_MAX_CONTENT])
        for new_hash in fresh:  # the order number was taken: a fresh ticket to decide
            new = await asyncio.to_thread(self.mikey.tickets.get, new_hash)
            if new is not None:
                new_embed, _ = card_embed(new, self.mikey.clock())
                await interaction.followup.send(embed=new_embed, view=ticket_view(new_hash))

    async def _watch(self, card: discord.Message, ticket_hash: str) -> None:
        """Redraw the card without buttons once its ticket expires or is decided elsewhere."""
        while True:
            stored = await asyncio.to_thread(self.mikey.tickets.get, ticket_hash)
            if stored is None:
                return
            now = self.mikey.clock()
            status = card_status(stored, now)
            if status not in ("pending", "executing") or now > stored.ticket.expires_at + _WATCH_GRACE:
                embed, _ = card_embed(stored, now)
                await card.edit(embed=embed, view=None)
                return
            remaining = (stored.ticket.expires_at - now).total_seconds()
            await asyncio.sleep(max(0.05, min(remaining, self._expiry_tick_s)) if remaining > 0
                                else self._expiry_tick_s)


def _line(event: ChatEvent) -> str | None:
    if event.type == "text" and event.data.get("text"):
        return str(event.data["text"])
    if event.type == "execution" and event.data.get("text"):
        return str(event.data["text"])
    if event.type == "error":
        return f":warning: {event.data.get('message', 'something went wrong')}"
    return None
