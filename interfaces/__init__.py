"""Interfaces: thin adapters over agent.ChatSession (terminal chat, Chainlit web
chat, the chat API in api/, the Slack bot in slack/, the Discord bot in discord_bot/).
They hold no trading logic.

This package sits above agent/ (imports point interfaces → agent → tools →
quantdesk). The `quantdesk` CLI picks up interface commands through the
``quantdesk.commands`` entry-point group, so quantdesk/ never imports agent/.
"""

__all__: list[str] = []  # import interfaces._assembly / interfaces.terminal directly (kept lazy for the CLI)
