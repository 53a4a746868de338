"""A ticket as a Discord embed with Approve/Reject buttons, built from the card props
the web page and Slack show (``interfaces._ticket_card``: no number formatted here).

The buttons are :class:`discord.ui.DynamicItem` s whose ``custom_id`` carries the
full ticket hash (``mikey:approve:<hash>``). The client registers both classes at
start-up (``add_dynamic_items``), so a button on any message, sent before or after
a restart, is routed to them; the view sent with a card has ``timeout=None``.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord

from interfaces._ticket_card import ticket_card
from quantdesk.tickets import StoredTicket

if TYPE_CHECKING:
    from interfaces.discord_bot._bot import MikeyDiscord

_COLOURS = {"buy": discord.Colour.green(), "sell": discord.Colour.red(), "neutral": discord.Colour.blurple()}
_MAX_FIELDS = 25  # an embed holds at most 25 fields


def card_embed(stored: StoredTicket, now: datetime) -> tuple[discord.Embed, str]:
    """The ticket's embed as of ``now`` and its status (``pending`` while it may be decided)."""
    props = ticket_card(stored, now)
    ticket = stored.ticket
    status = props["status"]
    embed = discord.Embed(title=f"{props['side']} · {props['title']}"[:256],
                          colour=_COLOURS[props["tone"]] if status == "pending" else discord.Colour.dark_grey(),
                          description=props["effect"] or None, timestamp=ticket.expires_at)
    fields = [("Market", ticket.market or "—"), ("Side", props["side"])]
    fields += [(row["label"], row["value"]) for row in props["rows"]]
    for name, value in fields[:_MAX_FIELDS - 2]:
        embed.add_field(name=name, value=value, inline=True)
    for warning in props["warnings"]:
        embed.add_field(name="Warning", value=warning, inline=False)
    if status != "pending":
        embed.add_field(name=str(props["stamp"]), value=props["stamp_note"] or "—", inline=False)
    embed.set_footer(text=f"ticket {props['short_hash']} · expires in {props['expires_in_s']} s · only you can "
                          "approve it" if status == "pending" else f"ticket {props['short_hash']} · expiry")
    return embed, status


def ticket_view(ticket_hash: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ApproveButton(ticket_hash))
    view.add_item(RejectButton(ticket_hash))
    return view


class _Decision(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"^mikey:(?P<action>approve|reject):"
                                                                      r"(?P<hash>[0-9a-f]{64})$"):
    action = "approve"

    def __init__(self, ticket_hash: str) -> None:
        approve = self.action == "approve"
        super().__init__(discord.ui.Button(
            label="Approve" if approve else "Reject", custom_id=f"mikey:{self.action}:{ticket_hash}",
            style=discord.ButtonStyle.success if approve else discord.ButtonStyle.danger))
        self.ticket_hash = ticket_hash

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Only the ticket's owner gets past (anyone else is refused, audited, answered privately)."""
        bot: MikeyDiscord = interaction.client  # type: ignore[assignment]
        return await bot.owner_check(interaction, self.action, self.ticket_hash)

    async def callback(self, interaction: discord.Interaction) -> None:  # type: ignore[override]
        await interaction.response.defer()  # at once (Discord allows 3 s); the outcome follows
        bot: MikeyDiscord = interaction.client  # type: ignore[assignment]
        await bot.decide(interaction, self.action, self.ticket_hash)


class ApproveButton(_Decision, template=r"^mikey:approve:(?P<hash>[0-9a-f]{64})$"):
    action = "approve"

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button[Any],
                             match: re.Match[str], /) -> ApproveButton:
        return cls(match["hash"])


class RejectButton(_Decision, template=r"^mikey:reject:(?P<hash>[0-9a-f]{64})$"):
    action = "reject"

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button[Any],
                             match: re.Match[str], /) -> RejectButton:
        return cls(match["hash"])
