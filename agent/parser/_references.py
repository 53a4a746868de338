"""What the dialogue refers to beyond the last request: the items a tool result listed (for
"cancel the btc one"), a short answer to MIKEY's own question ("long 2" -> "which market?" ->
"sol"), and when a reference wins over the plain reading of a message."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from agent.parser._followups import _MARKETS, _NUMBER, _ORDER_TOOLS, LISTED, Context, ToolUse
from agent.parser._lexicon import MARKET_ALIASES, ORDER_FILLERS, SIDE_WORDS
from agent.parser._normalize import normalize

__all__ = ["answer_to_question", "listed_items", "rereads"]

# Words an order may hold: a word outside them in a request MIKEY asked about is what the answer replaces.
_KNOWN_WORDS: Final = frozenset(MARKET_ALIASES) | frozenset(SIDE_WORDS) | ORDER_FILLERS | frozenset(
    {"limit", "at", "market", "reduce", "only", "x", "leverage", "close", "half", "cancel", "usdc", "usd", "buy",
     "sell", "some"})


def listed_items(tool: str, artifact: Mapping[str, Any]) -> ToolUse | None:
    """What a tool result showed that a later "cancel the btc one" can name (a :data:`LISTED` mark), or None."""
    items: list[tuple[str, str | None]] = []
    if tool == "set_alert" and artifact.get("alert_id") is not None:
        return ToolUse(LISTED, {"kind": "alert", "items": ((str(artifact["alert_id"]), None),)})
    if tool == "list_alerts" and isinstance(artifact.get("alerts"), list):
        for line in artifact["alerts"]:
            found = re.match(r"#(\d+): (\S+)", str(line))
            if found:
                items.append((found.group(1), found.group(2) if found.group(2).endswith("-PERP") else None))
        return ToolUse(LISTED, {"kind": "alert", "items": tuple(items)})
    if tool == "get_orders" and isinstance(artifact.get("orders"), list):
        items = [(str(o.get("order_id")), o.get("market")) for o in artifact["orders"] if isinstance(o, dict)]
        return ToolUse(LISTED, {"kind": "order", "items": tuple(items)})
    return None


def answer_to_question(asked: str, answer: str) -> str | None:
    """The trader's earlier request completed by their short answer to MIKEY's question about it
    ("long 2" + "sol", "buy some eth" + "0.5", "long ,5 sol" + "0.5", "long 1 doge" + "sol then"), or None
    when the answer is no short completion. The result is parsed like any typed request."""
    words = normalize(answer).strip(" ?!.").split()
    words = [w for w in words if w not in ("then", "the", "one", "please", "instead", "i", "mean", "meant")]
    if not words or len(words) > 4:
        return None
    asked_words = asked.split()
    if len(words) == 1 and re.fullmatch(_NUMBER, words[0]):
        # An unreadable number asked about ("long ,5 sol"): the answer replaces it.
        bad = [i for i, w in enumerate(asked_words) if re.fullmatch(r"[\d.,]*[.,][\d.,]*", w)
               and not re.fullmatch(r"\d{1,3}(?:,\d{3})*(?:\.\d+)?|\d*\.\d+|\d+", w)]
        if len(bad) == 1:
            asked_words[bad[0]] = words[0]
            return " ".join(asked_words)
    if len(words) == 1 and words[0] in MARKET_ALIASES:
        # A market not known ("long 1 doge"): the answer takes its place.
        unknown = [i for i, w in enumerate(asked_words) if w.isalpha() and w.lower() not in _KNOWN_WORDS]
        if len(unknown) == 1:
            asked_words[unknown[0]] = words[0]
            return " ".join(asked_words)
    return f"{asked} {' '.join(words)}"


def rereads(text: str, ctx: Context) -> bool:
    """Whether a reference ("what about btc" after funding) should win over the plain reading of ``text``
    (which would show the price): only after a read, so a question about another market never prepares a ticket."""
    t = normalize(text).strip(" ?!.")
    return (ctx.last_tool is not None and ctx.last_tool.name not in _ORDER_TOOLS | {"prepare_close", "prepare_cancel",
                                                                                     "prepare_withdraw"}
            and re.fullmatch(r"(?:and|what about|how about) (?:" + _MARKETS + r")(?: too| also| as well)?", t)
            is not None)
