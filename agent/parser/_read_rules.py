"""Read-only questions: positions, orders, account, funding, candles, ingest
status, history, prices, and knowledge search.

Reads may be phrased as questions ("what's SOL doing?"), but every word must
still come from the rule's vocabulary, so "why was my order rejected?" is left
for the LLM instead of being answered with a list of orders.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

from agent.parser._lexicon import (
    ACCOUNT_KEYS,
    ACCOUNT_VOCAB,
    ALL_MARKETS,
    ALL_MARKETS_WORDS,
    CANDLE_KEYS,
    CANDLE_VOCAB,
    CONCEPT_QUESTION_LEADS,
    DAY_WORDS,
    FUNDING_KEYS,
    FUNDING_VOCAB,
    HISTORY_KEYS,
    HISTORY_VOCAB,
    HOUR_WORDS,
    HOURLY_WORDS,
    INGEST_KEYS,
    INGEST_STATUS,
    INGEST_SUBJECTS,
    MARKET_ALIASES,
    MINUTE_WORDS,
    ORDER_KEYS,
    ORDER_STATUS_WORDS,
    PERIOD_WORDS,
    PERSONAL_WORDS,
    POSITION_KEYS,
    POSITION_VOCAB,
    PRICE_VOCAB,
    READ_COMMON,
    SEARCH_LINKS,
    SEARCH_PHRASE,
    SEARCH_SOURCES,
    SEARCH_TRAILERS,
    SEARCH_VERBS,
)
from agent.parser._order_slots import distinct
from agent.parser._result import Ambiguous, Parsed, build, calls
from agent.parser._tokens import Token, Utterance
from tools.schemas import Market

__all__ = ["asks_what_a_concept_is", "read_rule", "search_rule"]

_INTERVALS: Final = ("1m", "5m", "15m", "1h", "4h", "1d")  # tools.schemas.Interval
_PERIODS: Final = ("1d", "7d", "30d", "all")
# "hourly", "daily" name an interval; the minutes after a number are read above ("4 hour", "15 min").
_PERIODIC: Final = {**{w: "1h" for w in HOURLY_WORDS}, "daily": "1d"}
_CANDLE_WORDS: Final = (READ_COMMON | CANDLE_KEYS | CANDLE_VOCAB | MINUTE_WORDS | HOUR_WORDS | DAY_WORDS | HOURLY_WORDS
                         | frozenset(_PERIODIC))
_INGEST_WORDS: Final = READ_COMMON | INGEST_KEYS | INGEST_SUBJECTS | INGEST_STATUS
_HISTORY_WORDS: Final = READ_COMMON | HISTORY_KEYS | HISTORY_VOCAB | frozenset(PERIOD_WORDS) | DAY_WORDS


def search_rule(u: Utterance) -> Parsed | None:
    """"search docs for funding", "look up liquidation in the docs"."""
    tokens = list(u.tokens)
    if tokens[:1] and tokens[0].in_set(SEARCH_VERBS):
        tokens = tokens[1:]
    elif len(tokens) >= 2 and tokens[0].is_word(SEARCH_PHRASE[0]) and tokens[1].is_word(SEARCH_PHRASE[1]):
        tokens = tokens[2:]
    else:
        return None
    tokens = _drop_while(tokens, lambda t: t.in_set(SEARCH_TRAILERS) or t.in_set(SEARCH_SOURCES))
    tokens = _drop_while(tokens, lambda t: t.in_set(SEARCH_LINKS))
    # "look up funding in the docs": the trailing source is framing, not query.
    while tokens and (tokens[-1].in_set(SEARCH_SOURCES) or tokens[-1].in_set(SEARCH_TRAILERS)):
        tokens.pop()
    question = "What should I search the docs for, e.g. 'search docs for funding'?"
    if not tokens:
        return Ambiguous("nothing to search for", question)
    query = u.text[tokens[0].start:tokens[-1].end]
    return calls(build("search_knowledge", question, query=query))


def _positions(u: Utterance) -> Parsed | None:
    markets = _read_words(u, POSITION_KEYS, POSITION_VOCAB)
    if markets is None:
        return None
    return _per_market("get_positions", markets or [None])


def _orders(u: Utterance) -> Parsed | None:
    markets = _read_words(u, ORDER_KEYS, frozenset(ORDER_STATUS_WORDS))
    if markets is None:
        return None
    statuses = distinct([ORDER_STATUS_WORDS[w] for w in u.words if w in ORDER_STATUS_WORDS])
    if len(statuses) > 1:
        return Ambiguous("more than one order status", "Which orders: open, filled, cancelled or rejected?")
    return _per_market("get_orders", markets or [None], status=statuses[0] if statuses else "open")


def _account(u: Utterance) -> Parsed | None:
    markets = _read_words(u, ACCOUNT_KEYS, ACCOUNT_VOCAB)
    if markets is None or markets:
        return None  # account figures are not per market
    return calls(build("get_account", "Say 'balance' for your account."))


def _funding(u: Utterance) -> Parsed | None:
    markets = _read_words(u, FUNDING_KEYS, FUNDING_VOCAB)
    if markets is None:
        return None
    return _market_required(u, "get_funding", markets, "Funding on which market: SOL, BTC or ETH?")


def _candles(u: Utterance) -> Parsed | None:
    words = set(u.words)
    # "btc 1d", "give me the 4h on eth": a market and a candle interval are a chart, said or not.
    timeframe = any(t.kind == "interval" and t.text in _INTERVALS for t in u.tokens) and words & set(MARKET_ALIASES)
    if not words & CANDLE_KEYS and not timeframe:
        return None
    markets: list[Market] = []
    intervals: list[str] = []
    limits: list[Token] = []
    tokens = u.tokens
    for i, token in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if token.kind == "interval":
            intervals.append(token.text)
        elif token.kind == "number" and token.unit == "" and following is not None and \
                following.in_set(MINUTE_WORDS | HOUR_WORDS | DAY_WORDS):  # "5 min", "4 hour", "1 day"
            unit = "m" if following.text in MINUTE_WORDS else "h" if following.text in HOUR_WORDS else "d"
            intervals.append(f"{token.raw}{unit}")
        elif token.kind == "number" and token.unit == "":
            limits.append(token)
        elif token.kind == "word" and token.text in MARKET_ALIASES:
            markets.append(MARKET_ALIASES[token.text])
        elif token.kind == "word" and token.text in _PERIODIC:
            intervals.append(_PERIODIC[token.text])
        elif not token.in_set(_CANDLE_WORDS):
            return None
    intervals = distinct(intervals)
    if len(intervals) > 1 or (intervals and intervals[0] not in _INTERVALS):
        return Ambiguous(f"candles come in {', '.join(_INTERVALS)}", "Which interval: 1m, 5m, 15m, 1h, 4h or 1d?")
    if len(limits) > 1:
        return Ambiguous("more than one candle count", "How many candles, e.g. 'last 100 sol candles 5m'?")
    fields: dict[str, Any] = {}
    if intervals:
        fields["interval"] = intervals[0]
    if limits:
        count = limits[0].value
        if count is None or count != count.to_integral_value() or not 1 <= count <= 1000:
            return Ambiguous(f"{limits[0].raw} is not a candle count (1 to 1000)",
                             "How many candles, e.g. 'last 100 sol candles 5m'?")
        fields["limit"] = int(count)
    return _market_required(u, "get_candles", distinct(markets), "Candles for which market: SOL, BTC or ETH?",
                            **fields)


def _ingest(u: Utterance) -> Parsed | None:
    words = set(u.words)
    if not (words & INGEST_KEYS or (words & INGEST_SUBJECTS and words & INGEST_STATUS)):
        return None
    if not all(t.in_set(_INGEST_WORDS) for t in u.tokens):
        return None
    return calls(build("ingest_status", "Say 'ingest status'."))


def _history(u: Utterance) -> Parsed | None:
    if not set(u.words) & HISTORY_KEYS:
        return None
    markets: list[Market] = []
    periods: list[str] = []
    tokens = u.tokens
    for i, token in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if token.kind == "interval":
            periods.append("1d" if token.text == "24h" else token.text)
        elif token.kind == "number" and token.unit == "" and following is not None and following.in_set(DAY_WORDS):
            periods.append(f"{token.raw}d")  # "last 7 days"
        elif token.kind == "word" and token.text in MARKET_ALIASES:
            markets.append(MARKET_ALIASES[token.text])
        elif token.kind == "word" and token.text in PERIOD_WORDS:
            periods.append(PERIOD_WORDS[token.text])
        elif token.is_word("time") and i > 0 and tokens[i - 1].is_word("all"):
            periods.append("all")
        elif not token.in_set(_HISTORY_WORDS):
            return None
    periods = distinct(periods)
    if len(periods) > 1 or (periods and periods[0] not in _PERIODS):
        return Ambiguous("history covers today, 7 days, 30 days or all time",
                         "Which period: today, this week, this month or all time?")
    return _per_market("get_history", distinct(markets) or [None], period=periods[0] if periods else "7d")


def _price(u: Utterance) -> Parsed | None:
    markets = _read_words(u, frozenset(), PRICE_VOCAB)
    # A bare market ("sol?") asks its price; without one, only an explicit "price" does.
    if markets is None or not (markets or {"price", "prices"} & set(u.words)):
        return None
    return _market_required(u, "get_price", markets, "Price of which market: SOL, BTC or ETH?")


# Most specific first: "liquidation price" is about positions, "trading history" about history.
_READS: Final = (_positions, _orders, _account, _funding, _candles, _ingest, _history, _price)


def read_rule(u: Utterance) -> Parsed | None:
    """The first read-only question that claims ``u``, unless it asks what a concept is."""
    if asks_what_a_concept_is(u):
        return None
    for read in _READS:
        result = read(u)
        if result is not None:
            return result
    return None


def asks_what_a_concept_is(u: Utterance) -> bool:
    """"what is funding?", "what is a liquidation price?": a question for the docs, not about the
    trader's own account. "what's my margin" (possessive) and "what's SOL doing" (a market) are reads."""
    if u.first_word() not in CONCEPT_QUESTION_LEADS:
        return False
    return not (set(u.words) & PERSONAL_WORDS or any(w in MARKET_ALIASES for w in u.words))


def _read_words(u: Utterance, keys: frozenset[str], vocab: frozenset[str]) -> list[Market] | None:
    """The markets named, if every token is a word of this read (and a key word is present when
    ``keys`` is given); None if the message is not this read."""
    if keys and not set(u.words) & keys:
        return None
    markets: list[Market] = []
    for token in u.tokens:
        if token.kind != "word":
            return None
        if token.text in MARKET_ALIASES:
            markets.append(MARKET_ALIASES[token.text])
        elif not (token.text in READ_COMMON or token.text in keys or token.text in vocab):
            return None
    return distinct(markets)


def _market_required(u: Utterance, tool: str, markets: Sequence[Market], question: str,
                     **fields: Any) -> Parsed:
    if not markets:
        if not set(u.words) & ALL_MARKETS_WORDS:
            return Ambiguous("no market named", question)
        markets = ALL_MARKETS  # "all prices", "funding rates"
    return _per_market(tool, list(markets), **fields)


def _per_market(tool: str, markets: Sequence[Market | None], **fields: Any) -> Parsed:
    """One call per market named; ``None`` in ``markets`` means "no market filter"."""
    question = "Please name one of SOL, BTC or ETH."
    return calls(*(build(tool, question, **fields) if market is None
                   else build(tool, question, market=market, **fields) for market in markets))


def _drop_while(tokens: list[Token], predicate: Callable[[Token], bool]) -> list[Token]:
    i = 0
    while i < len(tokens) and predicate(tokens[i]):
        i += 1
    return tokens[i:]
