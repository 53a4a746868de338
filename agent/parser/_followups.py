"""Following the conversation: "double it", "make it 3x", "same on eth", "and btc?",
"do that" after a quote, "close it", "cancel that one", "actually short".

The dialogue context is read from the thread's own messages (MIKEY's earlier tool calls
and the executions that followed), so a reference can only ever resolve to this
trader's own conversation. Every edit is a new, complete request built and validated
like a typed one: an edit of a waiting ticket prepares a new ticket (a new hash; the old
one was set aside when the message arrived), never an edit in place. A reference with
nothing to refer to is asked about, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

from agent.parser._context import Context, Reply, ToolUse, again, bare_number, need_order
from agent.parser._lexicon import MARKET_ALIASES, PERIOD_WORDS
from agent.parser._normalize import normalize
from agent.parser._result import Ambiguous, NotUnderstood, Parsed, build, calls

__all__ = ["EXECUTED", "LISTED", "Context", "Reply", "ToolUse", "context_from", "resolve_followup"]

# Marks the model puts among the tool uses, in conversation order: an approved ticket that ran (its params,
# "tool", "resting_order"), and the alerts or orders a tool result showed ("kind", "items": ((id, market), ...)).
EXECUTED: Final = "_executed"
LISTED: Final = "_listed"

_ORDER_TOOLS: Final = frozenset({"prepare_order", "get_quote", "risk_check"})
# Every market word the grammar knows (longest first, so "solana" is not read as "sol" + "ana").
_MARKETS: Final = "|".join(sorted(MARKET_ALIASES, key=len, reverse=True))
_MARKET: Final = f"({_MARKETS})"
_NUMBER: Final = r"(\d+(?:\.\d+)?|\.\d+)"


def resolve_followup(text: str, ctx: Context) -> Parsed | Reply | None:
    """The request a follow-up means in ``ctx``, a question if it refers to nothing, or None
    when ``text`` is not a follow-up."""
    t = normalize(text).strip(" ?!.")
    if not t or not any(c.isalnum() for c in text):
        return None  # emoji alone ("🚀", "👍") refer to nothing: they are no edit, and never an approval
    for pattern, handler in _RULES:
        match = re.fullmatch(pattern, t)
        if match is not None:
            result: Parsed | Reply | None = handler(match, ctx)
            if result is not None:  # None: this reading does not fit the conversation; the next may
                return result
    from agent.parser._partial_edit import partial_edit  # it reads orders with the parser, which reads follow-ups

    return partial_edit(t, ctx)


# --- handlers -----------------------------------------------------------------------------


_Handler = Callable[[re.Match[str], Context], Parsed | Reply | None]  # None: the reading does not fit


def _scaled(factor: Decimal) -> _Handler:
    def handle(_m: re.Match[str], ctx: Context) -> Parsed:
        use = need_order(ctx)
        if isinstance(use, Ambiguous):
            return use
        filled = ctx.filled_order and use.name == "prepare_order"
        if filled and factor < 1 and use.args.get("market") in ctx.filled_markets:
            # The order filled: halving it now is closing part of the position it opened.
            return calls(build("prepare_close", "Close how much?", market=use.args["market"],
                               fraction=_exact(1 - factor)))
        # The order filled: doubling (tripling) the position is the same order once (twice) more.
        scale = factor - 1 if filled and factor > 1 else factor
        for key in ("size", "notional_usd"):
            if use.args.get(key) is not None:
                return again(use, **{key: _exact(Decimal(str(use.args[key])) * scale)})
        return Ambiguous("no size to scale", "What size do you want?")
    return handle


def _exact(value: Decimal) -> Decimal:
    """2 × 0.5 is 1, not 1.0 (the same number, written as a trader would)."""
    return Decimal(format(value.normalize(), "f"))


def _number_in(m: re.Match[str]) -> str:
    """The number a pattern with several spellings caught (the first of its groups that matched)."""
    return next(g for g in m.groups() if g is not None)


def _leverage(m: re.Match[str], ctx: Context) -> Parsed:
    use = need_order(ctx)
    return use if isinstance(use, Ambiguous) else again(use, leverage=Decimal(_number_in(m)))


def _reduce_only(_m: re.Match[str], ctx: Context) -> Parsed:
    use = need_order(ctx)
    return use if isinstance(use, Ambiguous) else again(use, reduce_only=True)


def _new_number(m: re.Match[str], ctx: Context) -> Parsed:
    last = ctx.last_tool
    if last is not None and last.name == "prepare_withdraw":  # "withdraw 500" -> "make it 300"
        return calls(build("prepare_withdraw", "Withdraw how much?", **{**last.args, "amount_usd": _number_in(m)}))
    use = need_order(ctx)
    if isinstance(use, Ambiguous):
        return use
    return bare_number(use, _number_in(m))


def _side(m: re.Match[str], ctx: Context) -> Parsed:
    use = need_order(ctx)
    if isinstance(use, Ambiguous):
        return use
    side = m.groupdict().get("side")
    if side is None:  # "flip it"
        side = "short" if use.args.get("side") == "long" else "long"
    side = {"buy": "long", "sell": "short"}.get(side, side)
    if side == use.args.get("side"):
        return Ambiguous("the side it already has", f"It is already a {side}. What would you like to change?")
    return again(use, side=side)


def _add(m: re.Match[str], ctx: Context) -> Parsed:
    use = need_order(ctx)
    if isinstance(use, Ambiguous):
        return use
    market = MARKET_ALIASES.get(m.group(2) or "", use.args.get("market"))
    return again(ToolUse("prepare_order", use.args), size=Decimal(m.group(1)), notional_usd=None, market=market)


def _do_quote(_m: re.Match[str], ctx: Context) -> Parsed:
    if ctx.last_order is None or ctx.last_order.name not in ("get_quote", "risk_check"):
        return Ambiguous("nothing quoted to place", "Which order? Say it in full, e.g. 'long 2 SOL 5x'.")
    return again(ToolUse("prepare_order", ctx.last_order.args))


def _other_market(m: re.Match[str], ctx: Context) -> Parsed:
    market = MARKET_ALIASES[m.groupdict().get("market") or m.group("market2")]
    same = m.group(0).startswith("same")
    use = ctx.last_order if same else (ctx.last_tool if ctx.last_tool and "market" in ctx.last_tool.args else None)
    if use is None:
        return Ambiguous("nothing to repeat", f"What would you like on {market}: a price, an order, your position?")
    return again(use, market=market)


def _close(m: re.Match[str], ctx: Context) -> Parsed:
    if len(ctx.filled_markets) > 1:
        # Two positions opened here: "it" could be either, so it is asked.
        names = " or ".join(m.removesuffix("-PERP") for m in ctx.filled_markets)
        return Ambiguous("more than one position", f"Close which position: {names}?")
    market = ctx.filled_markets[0] if ctx.filled_markets else ctx.last_market
    if market is None:
        return Ambiguous("no position named", "Close which position: SOL, BTC or ETH?")
    fraction = Decimal("0.5") if m.groupdict().get("half") or m.groupdict().get("half2") else None
    return calls(build("prepare_close", "Close which position?", market=market, fraction=fraction))


def _cancel(m: re.Match[str], ctx: Context) -> Parsed | Reply:
    groups = m.groupdict()
    named = groups.get("market")
    # "cancel that alert", "delete the btc order"; "one" names no kind.
    what = next((w for w in (groups.get("what"), groups.get("what2"), groups.get("what3")) if w and w != "one"), None)
    if named:
        market = MARKET_ALIASES[named]
        if ctx.referent is not None and ctx.referent[0].rstrip("s") in (what or ctx.referent[0].rstrip("s")):
            # "the btc one" among what was just listed: exactly one of them, or asked.
            kind = ctx.referent[0].rstrip("s")
            ids = [i for i, mk in ctx.listed if mk == market]
            if len(ids) == 1:
                return _cancel_one(kind, ids[0])
            if len(ids) > 1:
                return Ambiguous(f"several {named} {kind}s", f"Which {kind}: {', '.join('#' + i for i in ids)}?")
        return calls(build("prepare_cancel", "Cancel which order?", market=market))
    if ctx.ticket_set_aside and what in (None, "order"):
        return Reply("Okay: that ticket is cancelled and nothing was sent.")
    if ctx.referent is not None and ctx.referent[1] is not None and what in (None, ctx.referent[0]):
        return _cancel_one(ctx.referent[0], ctx.referent[1])
    if ctx.referent is not None and ctx.referent[1] is None and what in (None, ctx.referent[0].rstrip("s")):
        kind = ctx.referent[0].rstrip("s")
        return Ambiguous(f"several {kind}s listed", f"Which {kind}: {', '.join('#' + i for i, _ in ctx.listed)}?")
    if ctx.resting_order is not None and what in (None, "order"):
        return calls(build("prepare_cancel", "Cancel which order?", order_id=ctx.resting_order))
    return Ambiguous("no order to cancel named", "Cancel which order: its number (e.g. 'cancel order 3'), a market, "
                                                 "or 'cancel all orders'?")


def _cancel_one(kind: str, item: str) -> Parsed:
    if kind == "alert":
        return calls(build("cancel_alert", "Cancel which alert?", alert_id=item))
    return calls(build("prepare_cancel", "Cancel which order?", order_id=item))


def _interval(m: re.Match[str], ctx: Context) -> Parsed | None:
    """"now 1h", "and the 4h?" after candles: the same candles at another interval."""
    use = ctx.last_tool
    if use is None or use.name != "get_candles":
        return None
    count, unit = m.group("count"), m.group("unit")
    unit = "m" if unit.startswith("m") else "h" if unit.startswith("h") else "d"
    return again(use, interval=f"{count.lstrip('0') or '0'}{unit}")


def _amount(m: re.Match[str], ctx: Context) -> Parsed:
    """"fine, $20k", "make it $300": a new dollar size for the last order (or withdrawal)."""
    value = _read_amount(m.group("amount"))
    last = ctx.last_tool
    if last is not None and last.name == "prepare_withdraw":
        return calls(build("prepare_withdraw", "Withdraw how much?", **{**last.args, "amount_usd": value}))
    use = need_order(ctx)
    if isinstance(use, Ambiguous):
        return use
    return again(use, notional_usd=value, size=None)


def _read_amount(text: str) -> Decimal | None:
    from agent.parser._tokens import tokenize  # the tokenizer reads "$20k" and "1,200" exactly
    numbers = [t.value for t in tokenize(text).tokens if t.kind == "number"]
    return numbers[0] if len(numbers) == 1 else None


def _quote_leverage(m: re.Match[str], ctx: Context) -> Parsed:
    """"what would that cost at 10x": a quote of the last order at another leverage."""
    use = need_order(ctx)
    if isinstance(use, Ambiguous):
        return use
    return again(ToolUse("get_quote", use.args), leverage=Decimal(m.group("lev") or m.group("lev2")))


def _do_sized(m: re.Match[str], ctx: Context) -> Parsed:
    """"do that but 2 eth" after a quote: the quoted order at another size (its market, if named, must match)."""
    if ctx.last_order is None or ctx.last_order.name not in ("get_quote", "risk_check"):
        return Ambiguous("nothing quoted to place", "Which order? Say it in full, e.g. 'long 2 SOL 5x'.")
    named = m.group("market")
    market = ctx.last_order.args.get("market")
    if named and MARKET_ALIASES[named] != market:
        return Ambiguous("another market than the quote", f"The quote was for {market}. Say the whole order.")
    return again(ToolUse("prepare_order", ctx.last_order.args), size=Decimal(m.group("size")), notional_usd=None)


def _same_amount(m: re.Match[str], ctx: Context) -> Parsed:
    """"now the same dollar amount of eth": the last order's notional on another market."""
    use = need_order(ctx)
    if isinstance(use, Ambiguous):
        return use
    if use.args.get("notional_usd") is None:
        return Ambiguous("no dollar amount to repeat", "How many dollars of it, e.g. 'buy $500 of eth'?")
    return again(use, market=MARKET_ALIASES[m.group("market")])


def _also_sized(m: re.Match[str], ctx: Context) -> Parsed:
    """"and 1 eth too": the same order, this size, on this market."""
    use = need_order(ctx)
    if isinstance(use, Ambiguous):
        return use
    return again(ToolUse("prepare_order", use.args) if use.name == "prepare_order" else use,
                  market=MARKET_ALIASES[m.group("market") or m.group("market2")],
                  size=Decimal(m.group("size") or m.group("size2")), notional_usd=None)


def _period(m: re.Match[str], ctx: Context) -> Parsed | None:
    """"and this week?" after a history read: the same read over another period."""
    use = ctx.last_tool
    if use is None or use.name != "get_history":
        return None
    return again(use, period=PERIOD_WORDS[m.group("period")])


def _it_market(m: re.Match[str], ctx: Context) -> Parsed | None:
    """"long 3 of it 2x" after "sol price", "take profit at 200 on it" after a fill: "it" is the market just
    talked about."""
    if ctx.last_market is None:
        return Ambiguous("no market to refer to", "Which market: SOL, BTC or ETH?")
    from agent.parser._parse import parse_command  # the whole request, read as if typed with the market
    base = ctx.last_market.removesuffix("-PERP").lower()
    link = m.groupdict().get("link") or ""  # "take profit at 200 on it": "... on sol"
    parsed = parse_command(f"{m.group('before')} {link} {base} {m.group('after') or ''}")
    return parsed if not isinstance(parsed, NotUnderstood) else None


def _never_mind(_m: re.Match[str], ctx: Context) -> Reply:
    return Reply("Okay: that ticket is cancelled and nothing was sent." if ctx.ticket_set_aside else "Okay.")


_RULES: Final[Sequence[tuple[str, _Handler]]] = (
    (r"(?:double|twice) (?:it|that|the size|size)|double", _scaled(Decimal(2))),
    (r"(?:half|halve) (?:it|that|that size|the size|of that)|half that size|half size|0\.5 of (?:it|that)",
     _scaled(Decimal("0.5"))),
    (r"0\.25 of (?:it|that)|quarter (?:it|that|the size)", _scaled(Decimal("0.25"))),
    (r"(?:triple|treble) (?:it|that|the size|size)|3 times (?:it|that|the size)", _scaled(Decimal(3))),
    (r"(?:what would|how much would) (?:that|it) cost (?:at|with) (?P<lev>\d+(?:\.\d+)?) ?x(?: leverage)?"
     r"|quote (?:that|it) (?:at|with) (?P<lev2>\d+(?:\.\d+)?) ?x", _quote_leverage),
    (r"(?:make it|change it to|use|at|now|then|with|try|and at|and with|what about|how about|and|but) " + _NUMBER
     + r" ?x(?: leverage| instead| then)?"
     r"|" + _NUMBER + r" ?x (?:instead|then)|(?:actually )?(?:make it )?" + _NUMBER + r"x instead"
     r"|try " + _NUMBER + r" ?x(?: instead)?", _leverage),
    (r"(?:now|and|then|what about|how about|and the|same for|same in|now the|try)? ?(?P<count>\d{1,3}) ?"
     r"(?P<unit>m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days)(?: candles| chart| bars)?(?: instead)?",
     _interval),
    (r"(?:fine|ok then|then|make it|actually|try|no|how about|what about|do|go)?,? ?(?P<amount>\$\d[\d,]*(?:\.\d+)?k?"
     r"|\d[\d,]*(?:\.\d+)?k? (?:usd|usdc|dollars|bucks))(?: then| instead)?", _amount),
    (r"(?:do|place) (?:that|it) (?:but|with|for|at) (?P<size>\d+(?:\.\d+)?|\.\d+)(?: (?P<market>" + _MARKETS
     + r"))?", _do_sized),
    (r"(?:now |and |then )?(?:the )?same (?:dollar amount|amount in dollars|notional|usd amount|dollar size|\$ amount)"
     r" (?:of|on|in|for) (?P<market>" + _MARKETS + r")", _same_amount),
    (r"(?:and|also|plus) (?P<size>\d+(?:\.\d+)?|\.\d+) (?P<market>" + _MARKETS + r")(?: too| also| as well)?"
     r"|(?P<size2>\d+(?:\.\d+)?|\.\d+) (?P<market2>" + _MARKETS + r") (?:too|also|as well)", _also_sized),
    (r"(?:make it |and )?reduce only", _reduce_only),
    (r"(?:actually |no |ok )?make it " + _NUMBER + r"|actually " + _NUMBER, _new_number),
    (r"flip it|flip|other way|reverse it|the other side", _side),
    (r"(?:actually |no |make it an? )?(?P<side>long|short|buy|sell)(?: it)?(?: instead)?", _side),
    (r"add (?:another |an extra |)" + _NUMBER + r"(?: " + _MARKET + r")?", _add),
    (r"(?:do|place|book|take|send) (?:that|the quote|that order|this)|go with that|let'?s do that"
     r"|(?:place|book|take|open) (?:it|that one|this one)(?: then| now)?|go for it|go with it|let'?s go with it",
     _do_quote),
    (r"(?:and|what about|how about) (?P<market>" + _MARKETS + r")(?: too| also| as well)?"
     r"|(?P<market2>" + _MARKETS + r") (?:too|also|as well)", _other_market),
    (r"same (?:but |thing |order )?(?:on|for|with|in) (?P<market>" + _MARKETS + r")", _other_market),
    (r"close (?P<half>half(?: of)? )?(?:it|that|that position|the position|this position)|close (?P<half2>half)"
     r"|close (?:the rest|the remainder|what'?s left|the remaining|it all|all of it)", _close),
    (r"(?:cancel|delete|remove|kill|pull) (?:it|that|that one|this one|the (?P<what>order|alert)|that (?P<what2>order|"
     r"alert)|the (?P<market>" + _MARKETS + r") (?P<what3>one|order|alert))", _cancel),
    (r"nvm|never mind|nevermind|forget it|scratch that", _never_mind),
    (r"(?:and|what about|how about|now|same for)? ?(?:this |the |last |for the |over the )?(?P<period>"
     + "|".join(PERIOD_WORDS) + r")", _period),
    (r"(?P<before>(?:long|short|buy|sell) (?:\d+(?:\.\d+)?|\.\d+|\$\d+(?:\.\d+)?k?)) (?:of )?(?:it|that|those|them)"
     r"(?P<after> .*)?", _it_market),
    (r"(?P<before>.*?\b(?:take profit|stop loss|tp|sl|stop|alert me)\b.*?) ?(?P<link>on|for) "
     r"(?:it|that|this|that position)(?P<after> .*)?", _it_market),
)


# --- reading the context from a conversation ----------------------------------------------


def context_from(calls_made: Sequence[ToolUse], executions: Sequence[Mapping[str, Any]],
                 ticket_set_aside: bool, *, asked_about: str | None = None) -> Context:
    """``calls_made`` and ``executions`` in conversation order (the caller reads them off the thread), with
    :data:`EXECUTED` and :data:`LISTED` marks among the calls."""
    ctx: dict[str, Any] = {"ticket_set_aside": ticket_set_aside, "asked_about": asked_about}
    filled: list[str] = []
    for use in calls_made:
        if use.name == EXECUTED:
            market = use.args.get("market")
            if use.args.get("tool") == "prepare_order":
                ctx["filled_order"] = True
                filled = [*[m for m in filled if m != market], market] if market else filled
                if use.args.get("resting_order"):
                    ctx["referent"] = ("order", use.args["resting_order"])
            elif use.args.get("tool") == "prepare_close" and not (use.args.get("fraction") or use.args.get("size")):
                filled = [m for m in filled if m != market]
            continue
        if use.name == LISTED:
            items = tuple(use.args.get("items") or ())
            ctx["listed"] = items
            kind = use.args.get("kind")
            ctx["referent"] = (kind, items[0][0]) if len(items) == 1 else (f"{kind}s", None) if items else None
            continue
        if use.name in _ORDER_TOOLS:
            ctx["filled_order"] = False
        ctx["last_tool"] = use
        if use.name in _ORDER_TOOLS:
            ctx["last_order"] = use
        if use.args.get("market"):
            ctx["last_market"] = use.args["market"]
    for execution in executions:
        for event in (execution.get("data") or {}).get("events", []) or []:
            if event.get("type") == "OrderPlaced" and event.get("resting"):
                ctx["resting_order"] = str(event.get("order_id"))
    ctx["filled_markets"] = tuple(filled)
    return Context(**ctx)
