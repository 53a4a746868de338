"""Interfaces: thin adapters over agent.ChatSession (terminal chat, Chainlit web
chat, the chat API in api/, the Slack bot in slack/, the Discord bot in discord_bot/).
They hold no trading logic.

This package sits above agent/ (imports point interfaces → agent → tools →
quantdesk). The `quantdesk` CLI picks up interface commands through the
``quantdesk.commands`` entry-point group, so quantdesk/ never imports agent/.

The face is lazy: each name is imported from its module on first use (PEP 562), so a
`quantdesk` command that only registers ``chat`` does not load the agent.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from interfaces._assembly import Mikey, build_trading, open_mikey, postgres_prices, trading_tools
    from interfaces._desk import REPLAY_LABEL, account_summary, desk_context
    from interfaces._push import Pushes
    from interfaces._tables import fills_table, orders_table, positions_table
    from interfaces._ticket_card import NEAR_LIQUIDATION_PCT, ticket_card
    from interfaces._web_auth import chainlit_root_path, chainlit_user, secure_chainlit, signed_epoch, web_thread_id
    from interfaces._web_context import install_context_route, install_element_route
    from interfaces._web_data import WebDataLayer
    from interfaces._web_guard import ADDRESS_FAILURES, ADDRESS_WINDOW_S, OriginGuard
    from interfaces._web_push import ThreadPushes, push_to_page
    from interfaces._web_render import CardBoard, Turn
    from interfaces._web_views import rich_views

# name -> the module that defines it, imported on first attribute access.
_LAZY: dict[str, str] = {
    "Mikey": "interfaces._assembly",
    "build_trading": "interfaces._assembly",
    "open_mikey": "interfaces._assembly",
    "postgres_prices": "interfaces._assembly",
    "trading_tools": "interfaces._assembly",
    "REPLAY_LABEL": "interfaces._desk",
    "account_summary": "interfaces._desk",
    "desk_context": "interfaces._desk",
    "Pushes": "interfaces._push",
    "fills_table": "interfaces._tables",
    "orders_table": "interfaces._tables",
    "positions_table": "interfaces._tables",
    "NEAR_LIQUIDATION_PCT": "interfaces._ticket_card",
    "ticket_card": "interfaces._ticket_card",
    "chainlit_root_path": "interfaces._web_auth",
    "chainlit_user": "interfaces._web_auth",
    "secure_chainlit": "interfaces._web_auth",
    "signed_epoch": "interfaces._web_auth",
    "web_thread_id": "interfaces._web_auth",
    "install_context_route": "interfaces._web_context",
    "install_element_route": "interfaces._web_context",
    "WebDataLayer": "interfaces._web_data",
    "ADDRESS_FAILURES": "interfaces._web_guard",
    "ADDRESS_WINDOW_S": "interfaces._web_guard",
    "OriginGuard": "interfaces._web_guard",
    "ThreadPushes": "interfaces._web_push",
    "push_to_page": "interfaces._web_push",
    "CardBoard": "interfaces._web_render",
    "Turn": "interfaces._web_render",
    "rich_views": "interfaces._web_views",
}


def __getattr__(name: str) -> object:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


__all__: list[str] = [
    "ADDRESS_FAILURES", "ADDRESS_WINDOW_S", "NEAR_LIQUIDATION_PCT", "REPLAY_LABEL", "CardBoard", "Mikey", "OriginGuard",
    "Pushes", "ThreadPushes", "Turn", "WebDataLayer", "account_summary", "build_trading", "chainlit_root_path",
    "chainlit_user", "desk_context", "fills_table", "install_context_route", "install_element_route", "open_mikey",
    "orders_table", "positions_table", "postgres_prices", "push_to_page", "rich_views", "secure_chainlit",
    "signed_epoch", "ticket_card", "trading_tools", "web_thread_id",
]
