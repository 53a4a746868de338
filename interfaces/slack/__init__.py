"""The Slack bot (``quantdesk bot slack``): slack-bolt (async) over agent.ChatSession,
in Socket Mode or over HTTP (Events API + interactivity, signature-verified). It
holds no trading logic: mentions, DMs and thread replies become ChatSession turns,
tickets become Block Kit cards built from ``interfaces._ticket_card``, and button
clicks become ChatSession approvals or rejections naming the ticket's hash.

See ``_bot.py`` for who may do what, ``_cards.py`` for how cards follow their
tickets, ``_serve.py`` for the two transports.
"""

from interfaces.slack._blocks import APPROVE, REJECT, card_blocks
from interfaces.slack._bot import SlackBot, slack_thread_id
from interfaces.slack._reply import THINKING
from interfaces.slack._serve import (
                                     EVENTS_PATH,
                                     SlackApp,
                                     bind,
                                     build_slack_app,
                                     http_app,
                                     missing_settings,
                                     run_slack,
                                     running_http,
                                     web_client,
)

__all__ = [
    "APPROVE", "EVENTS_PATH", "REJECT", "THINKING", "SlackApp", "SlackBot", "bind", "build_slack_app", "card_blocks",
    "http_app", "missing_settings", "run_slack", "running_http", "slack_thread_id", "web_client",
]
