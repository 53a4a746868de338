"""The corpus's topics: the one list front matter is checked against and search filters by."""

from __future__ import annotations

from typing import Literal, get_args

__all__ = ["TOPICS", "Topic"]

Topic = Literal["markets", "orders", "margin", "liquidation", "funding", "fees", "oracle", "risk", "errors",
                "approvals", "venues", "alerts", "account", "glossary"]
TOPICS: frozenset[str] = frozenset(get_args(Topic))
