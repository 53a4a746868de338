"""Alerts: set one (price cross, liquidation distance, order fill), list them, cancel one."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Final, Literal

from agent.parser._lexicon import (
    ALERT_ABOVE,
    ALERT_BELOW,
    ALERT_CANCEL_VERBS,
    ALERT_CONDITION_WORDS,
    ALERT_FILL,
    ALERT_FRAME,
    ALERT_ID_FILLERS,
    ALERT_KEYS,
    ALERT_LIQ_FILLERS,
    ALERT_LIQUIDATION,
    ALERT_LIST_WORDS,
    ALERT_NOUNS,
    ALERT_ORDER,
    ALERT_TELL,
    MARKET_ALIASES,
    PERCENT_WORDS,
    READ_COMMON,
)
from agent.parser._order_slots import distinct
from agent.parser._read_rules import asks_what_a_concept_is
from agent.parser._result import Ambiguous, Parsed, bad_number, build, calls, not_understood, quoted
from agent.parser._tokens import Utterance
from tools.schemas import Market

__all__ = ["alert_rule"]

_DIGITS: Final = re.compile(r"[0-9]+")
_EXAMPLE: Final = "e.g. 'alert me when SOL goes above 200'"
_LIST_VOCAB: Final = READ_COMMON | ALERT_LIST_WORDS


def alert_rule(u: Utterance) -> Parsed | None:
    """"alert me when sol goes above 200", "my alerts", "cancel alert 3"."""
    words = set(u.words)
    if u.first_word() in ALERT_CANCEL_VERBS and words & ALERT_NOUNS:
        return _cancel_alert(u)
    asks_to_be_told = any(set(p) <= words for p in ALERT_TELL) and bool(words & ALERT_CONDITION_WORDS)
    if not (words & ALERT_KEYS or asks_to_be_told):
        return None
    if "alerts" in words and not asks_what_a_concept_is(u) and all(
            t.kind == "word" and (t.text in _LIST_VOCAB or t.text in MARKET_ALIASES) for t in u.tokens):
        return calls(build("list_alerts", "Say 'my alerts' to list them."))
    if u.question:
        return not_understood("that reads as a question about alerts, not a request to set one")
    return _set_alert(u)


def _cancel_alert(u: Utterance) -> Parsed:
    ids: list[str] = []
    problems: list[str] = []
    for token in u.tokens[1:]:
        if token.kind == "ident" or (token.kind == "number" and _DIGITS.fullmatch(token.raw)):
            ids.append(token.raw)
        elif not token.in_set(ALERT_ID_FILLERS):
            problems.append(token.raw)
    question = "Which alert? 'my alerts' lists them with their ids; then 'cancel alert <id>'."
    if problems:
        return not_understood(f"{quoted(problems)} is not part of cancelling an alert")
    if not ids:
        return Ambiguous("no alert id", question)
    return calls(*(build("cancel_alert", question, alert_id=alert_id) for alert_id in distinct(ids)))


def _set_alert(u: Utterance) -> Parsed:
    markets: list[Market] = []
    levels: list[Decimal] = []
    percents: list[Decimal] = []
    directions: list[Literal["above", "below"]] = []
    order_ids: list[str] = []
    liquidation = fill = False
    problems: list[str] = []
    bad: list[str] = []
    tokens = u.tokens
    for i, token in enumerate(tokens):
        after_order = i > 0 and tokens[i - 1].is_word("order")
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if after_order and (token.kind == "ident" or (token.kind == "number" and _DIGITS.fullmatch(token.raw))):
            order_ids.append(token.raw)  # "order 42": an id, not a price level
        elif token.kind == "number" and token.value is not None and token.unit == "pct":
            percents.append(token.value)
        elif token.kind == "number" and token.value is not None and token.unit == "" and \
                following is not None and following.in_set(PERCENT_WORDS):
            percents.append(token.value)
        elif token.kind == "number" and token.value is not None and token.unit in ("", "usd"):
            levels.append(token.value)
        elif token.kind == "badnumber":
            bad.append(token.raw)
        elif token.kind != "word":
            problems.append(token.raw)
        elif token.text in MARKET_ALIASES:
            markets.append(MARKET_ALIASES[token.text])
        elif token.text in ALERT_ABOVE:
            directions.append("above")
        elif token.text in ALERT_BELOW:
            directions.append("below")
        elif token.text in ALERT_LIQUIDATION:
            liquidation = True
        elif token.text in ALERT_FILL:
            fill = True
        elif not (token.text in ALERT_FRAME or token.text in ALERT_ORDER or token.text in ALERT_LIQ_FILLERS
                  or token.text in PERCENT_WORDS):
            problems.append(token.raw)
    if problems:
        return not_understood(f"{quoted(problems)} is not part of an alert I can read")
    if bad:
        return bad_number(bad)
    markets, levels, percents = distinct(markets), distinct(levels), distinct(percents)
    unique_directions = distinct(directions)
    if len(markets) > 1:
        return Ambiguous(f"two markets in one alert: {' and '.join(markets)}",
                         f"Which market? One alert per message, {_EXAMPLE}.")
    market = markets[0] if markets else None
    if fill or order_ids:
        if liquidation or levels or percents or unique_directions or len(order_ids) > 1:
            return Ambiguous("an order alert mixed with other conditions",
                             "Alert on which order event, e.g. 'alert me when order 42 fills'?")
        return calls(build("set_alert", "Alert on which order, e.g. 'alert me when order 42 fills'?",
                           kind="order_event", market=market, order_id=order_ids[0] if order_ids else None))
    if liquidation:
        question = "Alert when closer than what % to liquidation, e.g. 'alert me within 10% of liquidation'?"
        if levels or unique_directions or len(percents) != 1:
            return Ambiguous("a liquidation alert needs one percentage distance", question)
        return calls(build("set_alert", question, kind="liquidation_distance", market=market,
                           threshold_pct=percents[0]))
    if percents:
        return Ambiguous("a percentage in a price alert", f"At what price level, {_EXAMPLE}?")
    if market is None:
        return Ambiguous("no market for the alert", f"Which market: SOL, BTC or ETH, {_EXAMPLE}?")
    if len(levels) != 1:
        return Ambiguous("no price level" if not levels else "more than one price level",
                         f"At what {market} price, {_EXAMPLE}?")
    if len(unique_directions) != 1:
        return Ambiguous("no direction" if not unique_directions else "both above and below",
                         f"Alert when {market} goes above {levels[0]}, or below it?")
    return calls(build("set_alert", f"Please restate the alert, {_EXAMPLE}.", kind="price_cross", market=market,
                       level=levels[0], direction=unique_directions[0]))
