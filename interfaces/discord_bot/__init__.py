"""The Discord bot (``quantdesk bot discord``): discord.py 2.x over agent.ChatSession,
with no trading logic: mentions and DMs become turns, tickets become embeds with
persistent Approve/Reject buttons (custom ids carrying the ticket hash), clicks
become ChatSession decisions. See ``_bot.py`` for who may do what."""

from interfaces.discord_bot._bot import MikeyDiscord, discord_thread_id
from interfaces.discord_bot._cards import ApproveButton, RejectButton, card_embed, ticket_view
from interfaces.discord_bot._serve import missing_settings, run_discord

__all__ = ["ApproveButton", "MikeyDiscord", "RejectButton", "card_embed", "discord_thread_id", "missing_settings",
           "run_discord", "ticket_view"]
