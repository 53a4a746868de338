"""Managing what exists: closing positions, cancelling orders, withdrawing collateral.

Each rule claims a message by its leading verb ("close", "cancel", "withdraw")
and then must account for every other token, or the message is not a command.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Final

from agent.parser._lexicon import (
    CANCEL_ALL_WORDS,
    CANCEL_FILLERS,
    CANCEL_VERBS,
    CLOSE_FILLERS,
    CLOSE_VERBS,
    FRACTION_WORDS,
    MARKET_ALIASES,
    PERCENT_WORDS,
    WHOLE_WORDS,
    WITHDRAW_ALL_WORDS,
    WITHDRAW_FILLERS,
    WITHDRAW_VERBS,
)
from agent.parser._numbers import shift_point
from agent.parser._order_slots import distinct
from agent.parser._result import Ambiguous, Parsed, bad_number, build, calls, not_understood, quoted
from agent.parser._tokens import Token, Utterance
from tools.schemas import Market

__all__ = ["cancel_rule", "close_rule", "withdraw_rule"]

_DIGITS: Final = re.compile(r"[0-9]+")
_CLOSE_EXAMPLE: Final = "e.g. 'close my SOL', 'close half my SOL', 'close 25% of SOL' or 'close 0.5 SOL'"


def close_rule(u: Utterance) -> Parsed | None:
    """"close half my SOL", "close my BTC position", "close 25% of eth", "close 0.5 sol"."""
    verb = u.first_word()
    if verb not in CLOSE_VERBS or (verb != "close" and len(u.tokens) == 1):
        return None  # a lone "exit" is someone leaving the chat
    if u.question:
        return not_understood("that reads as a question about closing, not an instruction to close")
    markets: list[Market] = []
    fractions: list[Decimal] = []
    sizes: list[Decimal] = []
    whole = False
    problems: list[str] = []  # tokens that make it "not understood"
    refusal: Ambiguous | None = None
    tokens = u.tokens[1:]
    i = 0
    while i < len(tokens):
        token = tokens[i]
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if token.kind == "number" and token.value is not None:
            if token.unit == "pct":
                fractions.append(shift_point(token.value, -2))
            elif token.unit == "" and following is not None and following.in_set(PERCENT_WORDS):
                fractions.append(shift_point(token.value, -2))
                i += 1
            elif token.unit == "":
                sizes.append(token.value)
            elif token.unit == "usd":
                refusal = Ambiguous("a USD amount to close; closes are by size or by part",
                                    f"How much: a size or a part? {_CLOSE_EXAMPLE}.")
            else:
                problems.append(token.raw)
        elif token.kind == "badnumber":
            refusal = bad_number([token.raw])
        elif token.is_word("at") and following is not None and following.is_word("market", "mkt"):
            i += 1
        elif token.is_word("at"):
            refusal = Ambiguous("closing at a price is not something close can do",
                                "Close at market now ('close my SOL'), or place a reduce-only limit "
                                "('sell 2 SOL at 150 reduce only')?")
        elif token.kind == "word" and token.text in MARKET_ALIASES:
            markets.append(MARKET_ALIASES[token.text])
        elif token.kind == "word" and token.text in FRACTION_WORDS:
            fractions.append(Decimal(FRACTION_WORDS[token.text]))
        elif token.is_word("third", "thirds"):
            refusal = Ambiguous("a third is no exact share", "A third is 33.33…%, which no close can take exactly: "
                                f"how much should I close? {_CLOSE_EXAMPLE}.")
        elif token.in_set(WHOLE_WORDS):
            whole = True
        elif not token.in_set(CLOSE_FILLERS):
            problems.append(token.raw)
        i += 1

    if problems:
        return not_understood(f"{quoted(problems)} is not part of a close I can read")
    if refusal is not None:
        return refusal
    parts = fractions + sizes
    markets = distinct(markets)
    if len(parts) > 1 or (whole and parts):
        return Ambiguous("more than one amount to close", f"How much should I close? {_CLOSE_EXAMPLE}.")
    if not markets:
        return Ambiguous("no market to close", f"Close which position: SOL, BTC or ETH? {_CLOSE_EXAMPLE}.")
    if len(markets) > 1 and parts:
        return Ambiguous("one amount for several positions",
                         "Close part of which position? One partial close per message.")
    question = f"Please restate the close, {_CLOSE_EXAMPLE}."
    return calls(*(build("prepare_close", question, market=market,
                         fraction=fractions[0] if fractions else None,
                         size=sizes[0] if sizes else None) for market in markets))


def cancel_rule(u: Utterance) -> Parsed | None:
    """"cancel all orders", "cancel my sol orders", "cancel order 42", "cancel 7f3a9c"."""
    if u.first_word() not in CANCEL_VERBS:
        return None
    if u.question:
        return not_understood("that reads as a question about cancelling, not an instruction to cancel")
    ids: list[str] = []
    markets: list[Market] = []
    everything = plural = False
    problems: list[str] = []
    for token in u.tokens[1:]:
        if _is_order_id(token):
            ids.append(token.raw)
        elif token.kind == "word" and token.text in MARKET_ALIASES:
            markets.append(MARKET_ALIASES[token.text])
        elif token.in_set(CANCEL_ALL_WORDS):
            everything = True
        elif token.in_set(CANCEL_FILLERS):
            plural = plural or token.text == "orders"
        else:
            problems.append(token.raw)
    if problems:
        return not_understood(f"{quoted(problems)} is not part of a cancel I can read")
    ids, markets = distinct(ids), distinct(markets)
    question = "Cancel which orders: 'cancel all orders', 'cancel my SOL orders' or 'cancel order <id>'?"
    if ids and (everything or plural or len(markets) > 1 or (markets and len(ids) > 1)):
        # "cancel 2 sol orders": an id, or a count? Ask rather than cancel the wrong thing.
        return Ambiguous("both an order id and a wider selection", question)
    if ids:
        market = markets[0] if markets else None
        return calls(*(build("prepare_cancel", question, order_id=oid, market=market) for oid in ids))
    if markets:
        return calls(*(build("prepare_cancel", question, market=market) for market in markets))
    if everything:
        return calls(build("prepare_cancel", question, all=True))
    return Ambiguous("nothing named to cancel", question)


def withdraw_rule(u: Utterance) -> Parsed | None:
    """"withdraw 100", "withdraw $100 usdc", "withdraw 100 to <your wallet address>"."""
    if u.first_word() not in WITHDRAW_VERBS:
        return None
    if u.question:
        return not_understood("that reads as a question about withdrawing, not an instruction to withdraw")
    amounts: list[Decimal] = []
    destinations: list[str] = []
    problems: list[str] = []
    refusal: Ambiguous | None = None
    how_much = "How much, in USD? e.g. 'withdraw 100' or 'withdraw $100 usdc'."
    for token in u.tokens[1:]:
        if token.kind == "number" and token.value is not None and token.unit in ("", "usd"):
            amounts.append(token.value)
        elif token.kind == "number" and token.unit == "pct":
            refusal = Ambiguous("a percentage withdrawal", how_much)
        elif token.kind == "address":
            destinations.append(token.raw)
        elif token.kind == "badnumber":
            refusal = bad_number([token.raw])
        elif token.in_set(WITHDRAW_ALL_WORDS):
            refusal = Ambiguous("'all' is not an amount", how_much)
        elif token.kind == "word" and token.text in MARKET_ALIASES:
            refusal = Ambiguous("withdrawals are of USD collateral, not of a market", how_much)
        elif not token.in_set(WITHDRAW_FILLERS):
            problems.append(token.raw)
    if problems:
        return not_understood(f"{quoted(problems)} is not part of a withdrawal I can read")
    if refusal is not None:
        return refusal
    if len(distinct(amounts)) != 1:
        return Ambiguous("no amount" if not amounts else "more than one amount", how_much)
    if len(distinct(destinations)) > 1:
        return Ambiguous("more than one destination", "Withdraw to which address? Omit it to use your own wallet.")
    return calls(build("prepare_withdraw", how_much, amount_usd=amounts[0],
                       destination=destinations[0] if destinations else None))


def _is_order_id(token: Token) -> bool:
    if token.kind in ("ident", "address"):
        return True
    return token.kind == "number" and token.unit == "" and _DIGITS.fullmatch(token.raw) is not None
