"""Assembling the Toolbox from the services a process has."""

from __future__ import annotations

from quantdesk.db import Database
from quantdesk.ingest import PostgresPrices
from tools._knowledge import search_knowledge
from tools._market import get_candles, get_price, ingest_status
from tools._toolbox import Handler, Toolbox, by_tool


def build_toolbox(db: Database, prices: PostgresPrices, *, extra: dict[str, Handler] | None = None) -> Toolbox:
    """Market-data tools, plus ``extra`` handlers (account, trading and knowledge tools:
    :func:`tools.knowledge_handlers`); without a knowledge base, search_knowledge says so."""
    handlers = by_tool(get_price(prices, prices.candles), get_candles(prices), ingest_status(db),
                       search_knowledge(None))
    return Toolbox({**handlers, **(extra or {})})
