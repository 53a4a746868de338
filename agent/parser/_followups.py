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
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from agent.parser._lexicon import MARKET_ALIASES
from agent.parser._normalize import normalize
from agent.parser._result import Ambiguous, Parsed, build, calls

__all__ = ["Context", "Reply", "ToolUse", "context_from", "resolve_followup"]

_ORDER_TOOLS: Final = frozenset({"prepare_order", "get_quote", "risk_check"})
# Every market word the grammar knows (longest first, so "solana" is not read as "sol" + "ana").
_MARKETS: Final = "|".join(sorted(MARKET_ALIASES, key=len, reverse=True))
_MARKET: Final = f"({_MARKETS})"
_NUMBER: Final = r"(\d+(?:\.\d+)?|\.\d+)"


@dataclass(frozen=True)
class ToolUse:
    name: str
    args: Mapping[str, Any]


@dataclass(frozen=True)
class Context:
    """What the conversation so far refers to."""

    last_order: ToolUse | None = None     # the last order, quote or risk check asked for
    last_tool: ToolUse | None = None      # the last tool call of any kind
    last_market: str | None = None
    ticket_set_aside: bool = False        # a ticket was waiting when this message arrived
    resting_order: str | None = None      # the id of the last order placed to rest


@dataclass(frozen=True)
class Reply:
    """A plain answer, no tool call."""

    text: str


def resolve_followup(text: str, ctx: Context) -> Parsed | Reply | None:
    """The request a follow-up means in ``ctx``, a question if it refers to nothing, or None
    when ``text`` is not a follow-up."""
    t = normalize(text).strip(" ?!.")
    if not t or not any(c.isalnum() for c in text):
        return None  # emoji alone ("🚀", "👍") refer to nothing: they are no edit, and never an approval
    for pattern, handler in _RULES:
        match = re.fullmatch(pattern, t)
        if match is not None:
            return handler(match, ctx)
    return None


# --- handlers -----------------------------------------------------------------------------


def _need_order(ctx: Context) -> ToolUse | Ambiguous:
    if ctx.last_order is None:
        return Ambiguous("nothing to refer to", "Which order do you mean? Say it in full, e.g. 'long 2 SOL 5x'.")
    return ctx.last_order


def _again(use: ToolUse, **changes: Any) -> Parsed:
    args = {k: v for k, v in use.args.items() if v is not None}
    args.update({k: v for k, v in changes.items()})
    args = {k: v for k, v in args.items() if v is not None}
    return calls(build(use.name, "Please say the whole order, e.g. 'long 2 SOL 5x'.", **args))


_Handler = Callable[[re.Match[str], Context], Parsed | Reply]


def _scaled(factor: Decimal) -> _Handler:
    def handle(_m: re.Match[str], ctx: Context) -> Parsed:
        use = _need_order(ctx)
        if isinstance(use, Ambiguous):
            return use
        for key in ("size", "notional_usd"):
            if use.args.get(key) is not None:
                return _again(use, **{key: _exact(Decimal(str(use.args[key])) * factor)})
        return Ambiguous("no size to scale", "What size do you want?")
    return handle


def _exact(value: Decimal) -> Decimal:
    """2 × 0.5 is 1, not 1.0 (the same number, written as a trader would)."""
    return Decimal(format(value.normalize(), "f"))


def _number_in(m: re.Match[str]) -> str:
    """The number a pattern with several spellings caught (the first of its groups that matched)."""
    return next(g for g in m.groups() if g is not None)


def _leverage(m: re.Match[str], ctx: Context) -> Parsed:
    use = _need_order(ctx)
    return use if isinstance(use, Ambiguous) else _again(use, leverage=Decimal(_number_in(m)))


def _reduce_only(_m: re.Match[str], ctx: Context) -> Parsed:
    use = _need_order(ctx)
    return use if isinstance(use, Ambiguous) else _again(use, reduce_only=True)


def _new_number(m: re.Match[str], ctx: Context) -> Parsed:
    use = _need_order(ctx)
    if isinstance(use, Ambiguous):
        return use
    number = _number_in(m)
    if use.args.get("order_type") in ("limit", "stop_loss", "take_profit"):
        return _again(use, price=Decimal(number))
    return Ambiguous("a number without what it is", f"Is {number} the size, the price or the leverage?")


def _side(m: re.Match[str], ctx: Context) -> Parsed:
    use = _need_order(ctx)
    if isinstance(use, Ambiguous):
        return use
    side = m.groupdict().get("side")
    if side is None:  # "flip it"
        side = "short" if use.args.get("side") == "long" else "long"
    side = {"buy": "long", "sell": "short"}.get(side, side)
    if side == use.args.get("side"):
        return Ambiguous("the side it already has", f"It is already a {side}. What would you like to change?")
    return _again(use, side=side)


def _add(m: re.Match[str], ctx: Context) -> Parsed:
    use = _need_order(ctx)
    if isinstance(use, Ambiguous):
        return use
    market = MARKET_ALIASES.get(m.group(2) or "", use.args.get("market"))
    return _again(ToolUse("prepare_order", use.args), size=Decimal(m.group(1)), notional_usd=None, market=market)


def _do_quote(_m: re.Match[str], ctx: Context) -> Parsed:
    if ctx.last_order is None or ctx.last_order.name not in ("get_quote", "risk_check"):
        return Ambiguous("nothing quoted to place", "Which order? Say it in full, e.g. 'long 2 SOL 5x'.")
    return _again(ToolUse("prepare_order", ctx.last_order.args))


def _other_market(m: re.Match[str], ctx: Context) -> Parsed:
    market = MARKET_ALIASES[m.groupdict().get("market") or m.group("market2")]
    same = m.group(0).startswith("same")
    use = ctx.last_order if same else (ctx.last_tool if ctx.last_tool and "market" in ctx.last_tool.args else None)
    if use is None:
        return Ambiguous("nothing to repeat", f"What would you like on {market}: a price, an order, your position?")
    return _again(use, market=market)


def _close(m: re.Match[str], ctx: Context) -> Parsed:
    if ctx.last_market is None:
        return Ambiguous("no position named", "Close which position: SOL, BTC or ETH?")
    fraction = Decimal("0.5") if m.group(1) else None
    return calls(build("prepare_close", "Close which position?", market=ctx.last_market, fraction=fraction))


def _cancel(m: re.Match[str], ctx: Context) -> Parsed | Reply:
    named = m.group(1)
    if named:
        return calls(build("prepare_cancel", "Cancel which order?", market=MARKET_ALIASES[named]))
    if ctx.ticket_set_aside:
        return Reply("Okay: that ticket is cancelled and nothing was sent.")
    if ctx.resting_order is not None:
        return calls(build("prepare_cancel", "Cancel which order?", order_id=ctx.resting_order))
    return Ambiguous("no order to cancel named", "Cancel which order: its number (e.g. 'cancel order 3'), a market, "
                                                 "or 'cancel all orders'?")


def _never_mind(_m: re.Match[str], ctx: Context) -> Reply:
    return Reply("Okay: that ticket is cancelled and nothing was sent." if ctx.ticket_set_aside else "Okay.")


_RULES: Final[Sequence[tuple[str, _Handler]]] = (
    (r"(?:double|twice) (?:it|that|the size|size)|double", _scaled(Decimal(2))),
    (r"(?:half|halve) (?:it|that|that size|the size|of that)|half that size|half size", _scaled(Decimal("0.5"))),
    (r"(?:make it|change it to|use|at|now|then|with) " + _NUMBER + r" ?x(?: leverage| instead| then)?"
     r"|" + _NUMBER + r" ?x (?:instead|then)|(?:actually )?(?:make it )?" + _NUMBER + r"x instead",
     _leverage),
    (r"(?:make it |and )?reduce only", _reduce_only),
    (r"(?:actually |no |ok )?make it " + _NUMBER + r"|actually " + _NUMBER, _new_number),
    (r"flip it|flip|other way|reverse it|the other side", _side),
    (r"(?:actually |no |make it an? )?(?P<side>long|short|buy|sell)(?: it)?(?: instead)?", _side),
    (r"add (?:another |an extra |)" + _NUMBER + r"(?: " + _MARKET + r")?", _add),
    (r"(?:do|place|book|take|send) (?:that|the quote|that order|this)|go with that|let'?s do that",
     _do_quote),
    (r"(?:and|what about|how about) (?P<market>" + _MARKETS + r")(?: too| also| as well)?"
     r"|(?P<market2>" + _MARKETS + r") (?:too|also|as well)", _other_market),
    (r"same (?:but |thing |order )?(?:on|for|with|in) (?P<market>" + _MARKETS + r")", _other_market),
    (r"close (half of )?(?:it|that|that position|the position|this position)", _close),
    (r"(?:cancel|delete|remove) (?:it|that|that one|this one|the order|that order|the (" + _MARKETS
     + r") one)", _cancel),
    (r"nvm|never mind|nevermind|forget it|scratch that", _never_mind),
)


# --- reading the context from a conversation ----------------------------------------------


def context_from(calls_made: Sequence[ToolUse], executions: Sequence[Mapping[str, Any]],
                 ticket_set_aside: bool) -> Context:
    """``calls_made`` and ``executions`` in conversation order (the caller reads them off the thread)."""
    ctx: dict[str, Any] = {"ticket_set_aside": ticket_set_aside}
    for use in calls_made:
        ctx["last_tool"] = use
        if use.name in _ORDER_TOOLS:
            ctx["last_order"] = use
        if use.args.get("market"):
            ctx["last_market"] = use.args["market"]
    for execution in executions:
        for event in (execution.get("data") or {}).get("events", []) or []:
            if event.get("type") == "OrderPlaced" and event.get("resting"):
                ctx["resting_order"] = str(event.get("order_id"))
    return Context(**ctx)
