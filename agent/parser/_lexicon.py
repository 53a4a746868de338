"""Every word the parser knows, in one place.

The parser is deliberately closed-world: a command is acted on only when every
word in it is listed here for the rule that matches. A word that is not listed
makes the text "not a command" rather than being skipped, which is what keeps a
trade from being read out of a longer sentence ("what does long 2 sol mean?").
Adding a phrasing therefore means adding its words here, and a test.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from quantdesk.markets import MARKET_TABLE
from tools.schemas import Market, OrderType, Side

# --- markets: derived from the one market table (quantdesk.markets), aliases included ---

MARKET_ALIASES: Final[Mapping[str, Market]] = MARKET_TABLE.aliases  # sol, solana, solperp -> SOL-PERP ...
ALL_MARKETS: Final[tuple[Market, ...]] = MARKET_TABLE.symbols
# The bare tickers ("sol", "btc"): a clause of a longer sentence naming one may be an order.
MARKET_TICKERS: Final = frozenset(base.lower() for base in MARKET_TABLE.bases)
# "SOL-PERP" arrives as the two words "sol" "perp".
PERP_WORDS: Final = frozenset({"perp", "perps", "perpetual", "perpetuals"})

# --- words that are never part of a command ------------------------------------

# Approval only ever comes from the ticket's Approve button. Any of these in the
# text means the text is not a command, whatever else it says.
APPROVAL_WORDS: Final = frozenset({
    "approve", "approved", "approves", "approving", "approval",
    "confirm", "confirmed", "confirms", "confirming", "confirmation",
    "yes", "yeah", "yep", "yup", "ya", "yea", "ok", "okay", "okey", "sure", "lgtm",
    "sign", "signed", "signing", "execute", "executed", "executing", "submit", "submitted",
    "proceed", "accept", "accepted", "agreed",
})
APPROVAL_PHRASES: Final = (("go", "ahead"), ("do", "it"), ("send", "it"))
# Checked on the raw text too, so "approve" glued into a longer token still counts.
APPROVAL_STEMS: Final = ("approv", "confirm")

# Dropped wherever they appear; they never change what a command means.
POLITE_WORDS: Final = frozenset({"please", "pls", "plz", "kindly"})
GREETING_WORDS: Final = frozenset({"hey", "hi", "hello", "yo", "mikey"})  # leading only
THANKS_WORDS: Final = frozenset({"thanks", "thx", "ty"})  # trailing only

# --- orders ------------------------------------------------------------------

SIDE_WORDS: Final[Mapping[str, Side]] = {"long": "long", "buy": "long", "short": "short", "sell": "short"}
ORDER_TYPE_WORDS: Final[Mapping[str, OrderType]] = {
    "market": "market", "mkt": "market", "limit": "limit", "lmt": "limit",
}
LEVERAGE_WORDS: Final = frozenset({"leverage", "lev", "leveraged"})
TIMES_WORDS: Final = frozenset({"x", "times"})
MONEY_WORDS: Final = frozenset({"usd", "usdc", "dollars", "dollar", "bucks"})
PERCENT_WORDS: Final = frozenset({"percent", "pct"})
# "close my whole SOL position", "stop loss on all my sol at 140".
WHOLE_WORDS: Final = frozenset({"all", "entire", "whole", "full", "everything", "completely", "fully"})
PRICE_MARKERS: Final = frozenset({"at", "price"})
ORDER_FILLERS: Final = frozenset({
    "of", "my", "a", "an", "the", "worth", "for", "with", "and", "go", "open", "order",
    "now", "on", "size", "me", "new",
}) | PERP_WORDS

REDUCE_ONLY: Final = ("reduce", "only")
# Words before the side in "go long 2 sol", "open a short ...".
ORDER_LEAD_WORDS: Final = frozenset({"go", "open", "a", "an"})

# Framing that turns an order phrase into a quote or a risk check.
QUOTE_WORD: Final = "quote"
QUOTE_GET: Final = frozenset({"get", "me", "a", "an"})  # "get me a quote for ..."
QUOTE_LINKS: Final = frozenset({"me", "for", "on", "of", "a", "an"})  # "quote for a long ..."
QUOTE_QUESTIONS: Final = (("how", "much"), ("what", "would"))  # "... cost"
QUOTE_COST: Final = "cost"
QUOTE_FRAME_WORDS: Final = frozenset({"how", "much", "would", "will", "does", "what", "cost", "it", "to", "be"})
RISK_CHECK: Final = (("risk", "check"), ("check", "risk"))

# Stop-loss / take-profit: the words that name the order type, and their other words.
STOP_LOSS_KEYS: Final = frozenset({"sl", "stoploss"})
TAKE_PROFIT_KEYS: Final = frozenset({"tp", "takeprofit"})
STOP_FILLERS: Final = frozenset({
    "set", "place", "add", "put", "create", "stop", "loss", "take", "profit", "trigger",
    "a", "an", "my", "the", "on", "for", "of", "at", "position", "order", "and",
}) | PERP_WORDS | STOP_LOSS_KEYS | TAKE_PROFIT_KEYS | WHOLE_WORDS
STOP_VERBS: Final = frozenset({"set", "place", "add", "put", "create"})
STOP_LOSS_PHRASE: Final = ("stop", "loss")
TAKE_PROFIT_PHRASE: Final = ("take", "profit")

# --- closing, cancelling, withdrawing ----------------------------------------------

CLOSE_VERBS: Final = frozenset({"close", "exit", "flatten"})
FRACTION_WORDS: Final[Mapping[str, str]] = {"half": "0.5", "quarter": "0.25"}
CLOSE_FILLERS: Final = frozenset({
    "my", "the", "of", "position", "positions", "a", "out", "on", "now", "trade", "and",
    # "close my SOL long": the side describes the position; a market has one net position.
    "long", "short",
}) | PERP_WORDS

CANCEL_VERBS: Final = frozenset({"cancel"})
CANCEL_ALL_WORDS: Final = frozenset({"all", "every", "everything"})
CANCEL_FILLERS: Final = frozenset({
    "my", "the", "order", "orders", "open", "pending", "working", "id", "of", "on", "for", "and", "in",
}) | PERP_WORDS

WITHDRAW_VERBS: Final = frozenset({"withdraw"})
WITHDRAW_FILLERS: Final = frozenset({
    "my", "the", "of", "collateral", "funds", "to", "wallet", "from", "account", "back", "out",
}) | MONEY_WORDS
WITHDRAW_ALL_WORDS: Final = frozenset({"all", "everything", "max", "maximum"})

# --- alerts ---------------------------------------------------------------------

ALERT_KEYS: Final = frozenset({"alert", "alerts", "notify"})
ALERT_NOUNS: Final = frozenset({"alert", "alerts"})
ALERT_TELL: Final = (("tell",), ("let", "know"))  # "tell me when ...", "let me know if ..."
ALERT_CANCEL_VERBS: Final = frozenset({"cancel", "delete", "remove"})
ALERT_CONDITION_WORDS: Final = frozenset({"when", "if", "once", "whenever"})
ALERT_FRAME: Final = frozenset({
    "alert", "me", "when", "if", "once", "whenever", "set", "create", "add", "an", "a", "the",
    "notify", "tell", "let", "know", "ping", "to", "on", "for", "of", "at", "price", "goes", "gets",
    "get", "is", "trades", "moves", "hits", "reaches", "back", "my", "i", "im", "am", "than", "and",
    "crosses", "cross", "crossing",
}) | PERP_WORDS
ALERT_ABOVE: Final = frozenset({"above", "over", "exceeds", "rises", "climbs", "tops", "higher", "up"})
ALERT_BELOW: Final = frozenset({"below", "under", "drops", "falls", "dips", "sinks", "lower", "down"})
ALERT_LIQUIDATION: Final = frozenset({"liquidation", "liq", "liquidated"})
ALERT_LIQ_FILLERS: Final = frozenset({"within", "distance", "close", "closer", "near", "position"})
ALERT_FILL: Final = frozenset({"fill", "fills", "filled"})
ALERT_ORDER: Final = frozenset({"order", "orders", "any"})
ALERT_LIST_WORDS: Final = frozenset({"alerts", "alert", "active", "existing", "pending", "open"})
ALERT_ID_FILLERS: Final = frozenset({"alert", "alerts", "my", "the", "id", "number", "and"})

# --- read-only questions ---------------------------------------------------------

# Question scaffolding any read may contain ("what's my ...", "show me the ...").
READ_COMMON: Final = frozenset({
    "what", "whats", "is", "are", "my", "the", "current", "currently", "show", "me", "get", "give",
    "list", "display", "check", "tell", "see", "view", "of", "for", "on", "in", "right", "now", "a",
    "an", "do", "i", "have", "how", "much", "many", "and", "all", "any", "about", "latest",
}) | PERP_WORDS
# "what is X" without "my"/"I" or a market asks what X means, which is for the docs.
CONCEPT_QUESTION_LEADS: Final = frozenset({"what", "whats"})
PERSONAL_WORDS: Final = frozenset({"my", "i", "me"})

POSITION_KEYS: Final = frozenset({
    "position", "positions", "liquidation", "liq", "exposure", "unrealized", "unrealised", "upnl",
})
POSITION_VOCAB: Final = frozenset({"price", "prices", "distance", "level", "levels", "pnl", "long", "short",
                                   "size", "entry", "open"})

ORDER_KEYS: Final = frozenset({"orders", "order"})
ORDER_STATUS_WORDS: Final[Mapping[str, str]] = {
    "open": "open", "pending": "open", "working": "open", "active": "open",
    "filled": "filled", "cancelled": "cancelled", "canceled": "cancelled", "rejected": "rejected",
}

ACCOUNT_KEYS: Final = frozenset({"balance", "balances", "account", "margin", "collateral", "equity", "funds"})
ACCOUNT_VOCAB: Final = frozenset({"free", "available", "used", "usd", "usdc", "left", "buying", "power",
                                  "summary", "info", "overview"})

FUNDING_KEYS: Final = frozenset({"funding"})
FUNDING_VOCAB: Final = frozenset({"rate", "rates", "fee", "fees", "payment", "payments", "next", "markets"})

CANDLE_KEYS: Final = frozenset({"candles", "candle", "chart", "charts", "ohlc", "ohlcv", "klines", "bars"})
CANDLE_VOCAB: Final = frozenset({"last", "recent", "interval", "timeframe"})
MINUTE_WORDS: Final = frozenset({"m", "min", "mins", "minute", "minutes"})
HOUR_WORDS: Final = frozenset({"h", "hr", "hrs", "hour", "hours"})
DAY_WORDS: Final = frozenset({"d", "day", "days"})
HOURLY_WORDS: Final = frozenset({"hourly"})

INGEST_KEYS: Final = frozenset({"ingest", "ingestion"})
INGEST_SUBJECTS: Final = frozenset({"data", "feed", "feeds", "pipeline", "oracle", "pyth"})
INGEST_STATUS: Final = frozenset({"status", "health", "healthy", "running", "working", "up"})

HISTORY_KEYS: Final = frozenset({"history", "pnl", "trades", "fills", "performance", "realized", "realised"})
HISTORY_VOCAB: Final = frozenset({"this", "last", "past", "so", "far", "time", "trade", "trading", "closed",
                                  "did", "make", "made", "over"})
PERIOD_WORDS: Final[Mapping[str, str]] = {
    "today": "1d", "day": "1d", "daily": "1d",
    "week": "7d", "weekly": "7d",
    "month": "30d", "monthly": "30d",
    "ever": "all", "lifetime": "all", "alltime": "all",
}

PRICE_VOCAB: Final = frozenset({
    "price", "prices", "doing", "trading", "worth", "at", "where", "wheres", "hows", "spot", "oracle",
    "mark", "index", "pyth", "going", "usd", "quote", "markets",
})
ALL_MARKETS_WORDS: Final = frozenset({"all", "prices", "rates", "markets"})

SEARCH_VERBS: Final = frozenset({"search", "lookup"})
SEARCH_PHRASE: Final = ("look", "up")
SEARCH_TRAILERS: Final = frozenset({"the", "in", "from"})  # "look up funding in the docs"
SEARCH_SOURCES: Final = frozenset({"docs", "doc", "documentation", "knowledge", "kb", "wiki", "help", "base"})
SEARCH_LINKS: Final = frozenset({"for", "about", "on"})

# --- questions: how things work (the docs) and why something happened (the trader's history) -------
# Read only after the command rules found no command (agent/parser/_questions.py).

QUESTION_LEADS: Final = frozenset({
    "how", "what", "whats", "why", "when", "where", "which", "can", "cant", "cannot", "does", "do", "is", "are",
    "should", "explain", "define", "whys", "hows",
})
EXPLAIN_LEADS: Final = frozenset({"why", "whys", "explain"})
EXPLAIN_PHRASES: Final = (("what", "happened"), ("how", "come"))
EXPLAIN_REJECTED: Final = frozenset({
    "rejected", "rejection", "rejections", "refused", "refusal", "declined", "denied", "failed", "fail",
    "blocked",
})
EXPLAIN_TRIGGERED: Final = frozenset({"triggered", "trigger", "triggers", "stop", "stopped", "sl", "tp",
                                      "stoploss", "takeprofit", "fire", "fired", "fires"})
# "why did that stop fire?": a pointing word names the trader's own event as "my" does.
EXPLAIN_OWN: Final = frozenset({"my", "i", "me", "that", "this", "im", "ive"})
EXPLAIN_LIQUIDATED: Final = frozenset({"liquidated", "liquidation", "liquidations", "liquidate", "liqd", "rekt"})
# "liquidation price" and friends are about how it works, not about a liquidation that happened.
LIQUIDATION_CONCEPTS: Final = frozenset({"price", "prices", "distance", "level", "computed", "calculated"})
EXPLAIN_ORDER: Final = frozenset({"order", "orders", "trade", "ticket", "fill", "filled"})
