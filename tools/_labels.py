"""What each tool is called where a trader can read it (the web page's steps, error
texts): internal tool names are for the model and the logs, never the trader's text."""

from __future__ import annotations

TOOL_LABELS: dict[str, str] = {
    "get_price": "price", "get_quote": "quote", "get_candles": "candles", "get_positions": "positions",
    "get_account": "account", "get_orders": "orders", "get_funding": "funding", "risk_check": "risk check",
    "ingest_status": "market-data status", "get_history": "history", "search_knowledge": "knowledge search",
    "explain_event": "event explanation", "set_alert": "new alert", "list_alerts": "alerts",
    "cancel_alert": "alert cancellation", "prepare_order": "order ticket", "prepare_cancel": "cancel ticket",
    "prepare_close": "close ticket", "prepare_withdraw": "withdrawal ticket",
}


def tool_label(name: str) -> str:
    """The trader-facing name of a tool: ``get_price`` → ``price``."""
    return TOOL_LABELS.get(name, name.removeprefix("get_").replace("_", " "))
