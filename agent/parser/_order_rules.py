"""New orders: market/limit orders, quotes and risk checks of them, and
stop-loss / take-profit orders."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from agent.parser._lexicon import (
    MARKET_ALIASES,
    ORDER_FILLERS,
    ORDER_LEAD_WORDS,
    QUOTE_COST,
    QUOTE_FRAME_WORDS,
    QUOTE_GET,
    QUOTE_LINKS,
    QUOTE_QUESTIONS,
    QUOTE_WORD,
    RISK_CHECK,
    SIDE_WORDS,
    STOP_FILLERS,
    STOP_LOSS_KEYS,
    STOP_LOSS_PHRASE,
    STOP_VERBS,
    TAKE_PROFIT_KEYS,
    TAKE_PROFIT_PHRASE,
    WHOLE_WORDS,
)
from agent.parser._numbers import exact_product
from agent.parser._order_slots import OrderSlots, distinct, read_order_phrase
from agent.parser._result import Ambiguous, Parsed, bad_number, build, calls, not_understood, quoted
from agent.parser._tokens import Token, Utterance
from tools.schemas import Market, OrderArgs, OrderType

__all__ = ["order_rule", "stop_rule"]

_EXAMPLE = "e.g. 'long 2 SOL 5x' or 'buy $500 of BTC'"
# The bound the order's arguments accept (tools.schemas: slippage_bps, le=1000, i.e. 10%).
_MAX_SLIPPAGE_BPS: Final = next(m.le for m in OrderArgs.model_fields["slippage_bps"].metadata if hasattr(m, "le"))


def order_rule(u: Utterance) -> Parsed | None:
    """"long 2 sol 5x", "quote long 2 sol", "how much would 2 sol long cost", "risk check short 1 eth"."""
    framed = _frame(u.tokens)
    if framed is not None:
        tool, phrase = framed
    elif _is_order_phrase(u.tokens):
        if u.question:
            # "long 2 sol 5x?" is asking about an order, not placing one.
            return not_understood("that reads as a question about an order, not an order")
        tool, phrase = "prepare_order", u.tokens
    else:
        return _sideless(u)
    slots = read_order_phrase(phrase, ORDER_FILLERS)
    fields = _order_fields(slots)
    if not isinstance(fields, dict):
        return fields
    return calls(build(tool, f"Please restate the order, {_EXAMPLE}.", **fields))


def _sideless(u: Utterance) -> Parsed | None:
    """"$500 of sol", "2 eth 3x": an order in every word but its side, which is never guessed."""
    slots = read_order_phrase(u.tokens, ORDER_FILLERS)
    if u.question or slots.unknown or slots.bad_numbers or slots.sides or len(distinct(slots.markets)) != 1:
        return None
    if not (slots.sizes or slots.notionals) or slots.prices or slots.types:
        return None
    market = distinct(slots.markets)[0]
    return Ambiguous("no side (long or short)", f"Long or short {market}? e.g. 'long {u.text.strip()}'.")


def stop_rule(u: Utterance) -> Parsed | None:
    """"stop loss sol 140", "set a stop at 140 on SOL", "take profit on eth at 4000"."""
    kinds = _stop_kinds(u.tokens)
    if not kinds:
        return None
    if u.question:
        return not_understood("that reads as a question about a stop, not an order to set one")
    slots = read_order_phrase(u.tokens, STOP_FILLERS)
    if slots.unknown:
        return not_understood(f"{quoted(slots.unknown)} is not part of a stop or take-profit I can read")
    if slots.bad_numbers:
        return bad_number(slots.bad_numbers)
    if len(kinds) > 1:
        return Ambiguous("both a stop-loss and a take-profit in one command",
                         "Which one: a stop-loss or a take-profit? One per message.")
    kind = kinds[0]
    label = "stop-loss" if kind == "stop_loss" else "take-profit"
    example = f"e.g. '{'stop loss sol at 140' if kind == 'stop_loss' else 'take profit on sol at 180'}'"
    if slots.sides:
        return Ambiguous(f"a side in a {label}: it always takes the side that reduces your position",
                         f"Say the market, size and trigger price without long/short, {example}.")
    if slots.leverages or slots.types:
        return Ambiguous(f"leverage or an order type in a {label}",
                         f"A {label} takes a market, a size and a trigger price, {example}.")
    market = _one_market(slots, label, example)
    if not isinstance(market, str):
        return market
    if slots.percents:
        return Ambiguous(f"a percentage size in a {label}", f"How much {_base(market)} should it close, {example}?")
    amounts = slots.sizes + slots.notionals
    if not slots.prices:
        # "stop loss sol 140": with no "at", a single number is the trigger price.
        if len(amounts) != 1:
            return Ambiguous(f"no trigger price for the {label}" if not amounts else
                             "several numbers and no 'at' to say which is the trigger price",
                             f"At what price should the {label} trigger, {example}?")
        slots.prices.append(amounts.pop())
        slots.sizes.clear()
        slots.notionals.clear()
    if len(distinct(slots.prices)) > 1:
        return Ambiguous(f"two trigger prices for one {label}", f"Which trigger price, {example}?")
    says_whole = any(t.in_set(WHOLE_WORDS) for t in u.tokens)
    if len(amounts) > 1 or (amounts and says_whole):
        return Ambiguous(f"more than one size for the {label}", f"Which size, {example}?")
    # No size means the whole position, sized when the stop triggers, not now.
    return calls(build(
        "prepare_order", f"Please restate the {label}, {example}.",
        market=market, side=None, order_type=kind, price=slots.prices[0], reduce_only=True,
        size=slots.sizes[0] if slots.sizes else None,
        notional_usd=slots.notionals[0] if slots.notionals else None,
        whole_position=not amounts,
    ))


def _frame(tokens: Sequence[Token]) -> tuple[str, Sequence[Token]] | None:
    """The tool and the order phrase inside a quote or risk-check request, if it is one."""
    words = [t.text if t.kind == "word" else "" for t in tokens]
    if QUOTE_WORD in words[:4] and all(w in QUOTE_GET for w in words[:words.index(QUOTE_WORD)]):
        # "quote long 2 sol", "get me a quote for short 1 btc"
        return "get_quote", _drop_leading(tokens[words.index(QUOTE_WORD) + 1:], QUOTE_LINKS)
    if tuple(words[:2]) in QUOTE_QUESTIONS and QUOTE_COST in words:
        # "how much would 2 sol long cost": the question words frame the order phrase.
        return "get_quote", [t for t in tokens if not t.in_set(QUOTE_FRAME_WORDS)]
    if tuple(words[:2]) in RISK_CHECK:
        return "risk_check", _drop_leading(tokens[2:], QUOTE_LINKS)
    return None


def _drop_leading(tokens: Sequence[Token], words: frozenset[str]) -> Sequence[Token]:
    i = 0
    while i < len(tokens) and tokens[i].kind == "word" and tokens[i].text in words:
        i += 1
    return tokens[i:]


def _is_order_phrase(tokens: Sequence[Token]) -> bool:
    """A side word, and either it leads ("buy sol") or a number is present ("2 sol long").

    "my long positions" has a side word but is a question about positions.
    """
    if not any(t.kind == "word" and t.text in SIDE_WORDS for t in tokens):
        return False
    lead = _drop_leading(tokens, ORDER_LEAD_WORDS)
    if lead and lead[0].kind == "word" and lead[0].text in SIDE_WORDS:
        return True
    return any(t.kind == "number" for t in tokens)


def _order_fields(slots: OrderSlots) -> dict[str, Any] | Parsed:
    """OrderArgs fields for a market/limit order, or why there are none."""
    if slots.unknown:
        return not_understood(f"{quoted(slots.unknown)} is not part of an order I can read")
    if slots.bad_numbers:
        return bad_number(slots.bad_numbers)
    sides = distinct(slots.sides)
    if len(sides) > 1:
        return Ambiguous("the order says both long and short", "Long or short? One side per order.")
    market = _one_market(slots, "order")
    if not isinstance(market, str):
        return market
    if not sides:
        return Ambiguous("no side (long or short)", f"Long or short {market}?")
    side = sides[0]
    base = _base(market)
    example = f"e.g. '{side} 2 {base}' or '{side} $500 of {base}'"
    if slots.percents:
        return Ambiguous("a percentage size", f"How much {base} do you want to {side}, {example}?")
    if slots.types == ["limit"] and not slots.prices and len(slots.sizes) == 2 and len(slots.asset_sizes) == 1:
        # "limit long 0.5 eth 3300": the amount of the asset is the one written with it; the other is the price.
        size = slots.asset_sizes[0]
        slots.prices.append(next(v for v in slots.sizes if v is not size))
        slots.sizes[:] = [size]
    margin = _margin_notional(slots, side, base)
    if isinstance(margin, Ambiguous):
        return margin
    amounts = slots.sizes + slots.notionals
    if not amounts:
        return Ambiguous("no size", f"How much {base} do you want to {side}, {example}?")
    if len(amounts) > 1:
        shown = [f"{v} {base}" for v in slots.sizes] + [f"${v}" for v in slots.notionals]
        return Ambiguous("more than one size in one order", f"Which size: {' or '.join(shown)}?")
    leverages, prices, types = distinct(slots.leverages), distinct(slots.prices), distinct(slots.types)
    if len(leverages) > 1:
        return Ambiguous("two leverages in one order", f"Which leverage: {' or '.join(f'{v}x' for v in leverages)}?")
    if len(prices) > 1:
        return Ambiguous("two prices in one order", f"Which price: {' or '.join(str(p) for p in prices)}?")
    if len(types) > 1:
        return Ambiguous("both a market and a limit order", "Market order, or limit at a price?")
    order_type: OrderType = types[0] if types else ("limit" if prices else "market")
    if order_type == "market" and prices:
        return Ambiguous("a market order with a price",
                         f"Did you mean a limit order at {prices[0]}, or a market order with no price?")
    if order_type == "limit" and not prices:
        return Ambiguous("a limit order without a price", f"At what price, e.g. '{side} 2 {base} limit 150'?")
    slippage = _slippage(slots)
    if isinstance(slippage, Ambiguous):
        return slippage
    return {
        "slippage_bps": slippage,
        "market": market, "side": side, "order_type": order_type,
        "size": slots.sizes[0] if slots.sizes else None,
        "notional_usd": slots.notionals[0] if slots.notionals else None,
        "leverage": leverages[0] if leverages else None,
        "price": prices[0] if prices else None,
        "reduce_only": slots.reduce_only,
    }


def _slippage(slots: OrderSlots) -> int | None | Ambiguous:
    """The slippage bound asked for, in whole basis points (0.5% = 50 bps), or the question when it is not one."""
    values = distinct(slots.slippages_bps)
    if not values:
        return None
    if len(values) > 1 or values[0] != values[0].to_integral_value() or not 0 <= values[0] <= _MAX_SLIPPAGE_BPS:
        return Ambiguous("a slippage that is no whole basis point up to 10%",
                         "What slippage: whole basis points up to 10%, e.g. 'slippage 0.5%' or 'slippage 50 bps'?")
    return int(values[0])


def _margin_notional(slots: OrderSlots, side: str, base: str) -> None | Ambiguous:
    """Sizing by margin ("long sol 2x with 500 usdc margin"): the notional is margin x leverage, exactly,
    put among the notionals. Without a leverage the size is unknown, so it is asked, never defaulted."""
    margins = distinct(slots.margins)
    if not margins:
        return None
    if len(margins) > 1 or slots.sizes or slots.notionals:
        return Ambiguous("more than one size in one order", f"Which size: the margin or the {base} amount?")
    leverages = distinct(slots.leverages)
    if len(leverages) != 1:
        return Ambiguous("a margin without one leverage",
                         f"At what leverage? With margin the size is margin x leverage, "
                         f"e.g. '{side} {base.lower()} 2x with {margins[0]} usdc margin'.")
    slots.notionals.append(exact_product(margins[0], leverages[0]))
    return None


def _one_market(slots: OrderSlots, what: str, example: str = _EXAMPLE) -> Market | Ambiguous:
    markets = distinct(slots.markets)
    if len(markets) > 1:
        return Ambiguous(f"two markets in one {what}: {' and '.join(markets)}",
                         f"Which market: {' or '.join(markets)}? One market per {what}.")
    if not markets:
        return Ambiguous("no market", f"Which market: SOL, BTC or ETH? ({example})")
    return markets[0]


def _stop_kinds(tokens: Sequence[Token]) -> list[OrderType]:
    words = [t.text if t.kind == "word" else "" for t in tokens]
    pairs = set(zip(words, words[1:], strict=False))
    kinds: list[OrderType] = []
    lead = [w for w in words if w not in STOP_VERBS and w not in ORDER_LEAD_WORDS and w != "my"][:1]
    if STOP_LOSS_KEYS & set(words) or STOP_LOSS_PHRASE in pairs or (
            # A bare leading "stop" is a stop order only with something to act on ("stop" alone is not).
            lead == [STOP_LOSS_PHRASE[0]] and any(t.kind == "number" or t.text in MARKET_ALIASES for t in tokens)):
        kinds.append("stop_loss")
    if TAKE_PROFIT_KEYS & set(words) or TAKE_PROFIT_PHRASE in pairs:
        kinds.append("take_profit")
    return kinds


def _base(market: Market) -> str:
    return market.removesuffix("-PERP")
