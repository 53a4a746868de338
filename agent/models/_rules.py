"""The ``rules`` chat model: the offline parser behind LangChain's chat-model
interface, so the graph runs the same way with or without an LLM.

* After a human message it emits the parser's tool calls (the same calls an LLM
  would make), or a question / the help text as plain text.
* A question that is no command ("how is my liquidation price computed?", "why
  was my order rejected?") becomes a search_knowledge or explain_event call.
* After tool results it answers with those results' text: tools format their
  own summaries (search_knowledge its extractive, cited answer), so nothing is
  invented here.

It never derives a tool call from anything but the trader's own last message:
text inside tool results or documents is data, never instructions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.tools import BaseTool

from agent._dialogue import fold, memory_in
from agent.intents import arguments_for
from agent.models._chained import (
    calling,
    close_after_positions,
    message_text,
    order_after_account,
    tool_call,
    trigger_after_positions,
)
from agent.models._free_reads import HOW_IT_WORKS, read_by_intent
from agent.models._refusals import declined
from agent.parser import (
    APPROVAL_REASON,
    MARKET_ALIASES,
    Ambiguous,
    Context,
    NotUnderstood,
    Parsed,
    Reply,
    ToolCalls,
    ToolUse,
    answer_to_question,
    attached_triggers,
    closes_everything,
    collateral_sizing,
    context_from,
    entry_relative,
    is_greeting,
    is_help_request,
    nearest_commands,
    one_at_a_time,
    parse_command,
    rereads,
    resolve_followup,
    route_question,
)
from agent.state import DialogueMemory
from tools import tool_label

_GREETING = ("Hi! Ask me for a price (`price of sol`), an order (`long 2 sol 5x`), your positions "
             "(`my positions`) or how something works (`how is my liquidation price computed`).")


_THANKS = "You're welcome! Anything else: a price, an order, your positions?"
_THANKED = re.compile(r"\b(thanks|thank|thx|ty|cheers|appreciated)\b")


# A question about approving, not an approval: a question word other than "do" leads, or four words or more
# end in "?" ("do i need to approve every order?"; "approve it?" stays a typed approval).
_ASKS_ABOUT_APPROVING = re.compile(r"(?:how|what|whats|what's|when|where|why|which|can|could|does|is|are|should|"
                                   r"will|would)\b|(?:\S+\s+){3,}\S*\?$")
_APPROVE_HOW = (" If you meant to approve the ticket: only its Approve button approves a ticket; typed words "
                "never do, in any language.")


def dialogue_context(messages: Sequence[BaseMessage]) -> Context:
    """What this conversation refers to: MIKEY's earlier tool calls, the items its results listed and
    the tickets that ran, from the dialogue memory of turns that left the window and the window itself."""
    memory = _memory(messages)
    return context_from([ToolUse(u["name"], _as_marked(u["args"])) for u in memory.get("uses", [])],
                        memory.get("executions", []), memory.get("ticket_prepared", False),
                        asked_about=memory.get("asked_about"))


def _as_marked(args: dict[str, Any]) -> dict[str, Any]:
    """A stored mark's arguments as the parser reads them (checkpoints keep its item pairs as lists)."""
    items = args.get("items")
    return args if items is None else {**args, "items": tuple(tuple(item) for item in items)}


def _memory(messages: Sequence[BaseMessage]) -> DialogueMemory:
    carried, conversation = memory_in(messages)
    return fold(carried, conversation[:-1])


def _ticket_was_waiting(messages: Sequence[BaseMessage]) -> bool:
    """Whether MIKEY's last turn before this message prepared a ticket (the new message set it aside)."""
    return _memory(messages).get("ticket_prepared", False)


def _miss(text: str, parsed: NotUnderstood, *, ticket_was_waiting: bool = False) -> str:
    """One short sentence and the nearest commands; the whole list only when asked for (`help`)."""
    if parsed.reason.startswith(APPROVAL_REASON):
        return f"I can't do that: {parsed.reason}. Nothing was approved or sent."
    if is_help_request(text):
        return parsed.help
    if is_greeting(text):
        return _THANKS if _THANKED.search(text.lower()) else _GREETING
    vague = _vague_trade(text)
    if vague is not None:
        return vague
    nearest = nearest_commands(text)
    guess = f" Did you mean {' or '.join(f'`{c}`' for c in nearest)}?" if nearest else ""
    approve = _APPROVE_HOW if ticket_was_waiting else ""
    return f"I didn't catch that offline ({parsed.reason}).{guess}{approve} Say `help` for everything I can do."


# A question about one whole order ("fees on a 3 eth long?", "where would I get liquidated if I short 5 sol 8x"):
# a quote of it (or its risk check), read-only; a question about the trader's past stays with explain_event.
_ORDER_QUESTION = re.compile(r"(?:how much|what|where|would|fees?|price impact|cost|check|margin|liq)\b.*"
                             r"|.*\?$")
_RISK_WORDS = re.compile(r"\b(?:risk|limits?|allowed|pass|passes)\b")
_PAST = re.compile(r"\b(?:why|happened|rejected|did|was|were|yesterday|earlier|last)\b")


def _bare_answer(text: str) -> bool:
    """A market or a number alone ("sol", "0.5", "sol then"): an answer to a question, if one was asked."""
    words = [w for w in text.lower().strip(" ?!.").split() if w not in ("then", "please", "the", "one")]
    return len(words) == 1 and (words[0] in MARKET_ALIASES or re.fullmatch(r"\$?\d[\d,]*(?:\.\d+)?k?|\.\d+",
                                                                           words[0]) is not None)


def _order_question(text: str) -> Parsed | None:
    lowered = " ".join(text.lower().split())
    if not _ORDER_QUESTION.fullmatch(lowered) or _PAST.search(lowered) or HOW_IT_WORKS.search(lowered):
        return None
    found = arguments_for("risk_check" if _RISK_WORDS.search(lowered) else "get_quote", text)
    return found if isinstance(found, ToolCalls) else None


# A wish to trade with no number at all ("go big on btc", "lever up on eth", "buy the dip"): the size, and
# maybe the market, are missing, so they are asked for, never filled in.
_TRADE_WISH = re.compile(r"\b(?:long|short|buy|sell|lever|levered|leverage up|go big|ape|size up|load up)\b")


def _vague_trade(text: str) -> str | None:
    lowered = " ".join(text.lower().split())
    if any(c.isdigit() for c in lowered) or len(lowered.split()) > 6 or not _TRADE_WISH.search(lowered) \
            or _ACTION_ELSE.search(lowered):
        return None
    markets = sorted({m for w, m in MARKET_ALIASES.items() if re.search(rf"\b{re.escape(w)}\b", lowered)})
    where = markets[0].removesuffix("-PERP") if len(markets) == 1 else "which market (SOL, BTC or ETH)"
    return (f"How much of {where} do you want, long or short, and at what leverage? "
            f"Say it in full, e.g. 'long 2 {where if len(markets) == 1 else 'SOL'} 3x'. I never pick a size for you.")


_ACTION_ELSE = re.compile(r"\b(?:send|transfer|withdraw|ignore|pretend|cancel|close|approve|kill)\b")


class RulesChatModel(BaseChatModel):
    """Deterministic, offline, exact with numbers."""

    bound_tools: frozenset[str] | None = None
    # Free-form reads (agent.intents.IntentClassifier); None: the grammar and the question router only.
    intents: Any = None

    @property
    def _llm_type(self) -> str:
        return "mikey-rules"

    def bind_tools(self, tools: Sequence[Any], **_kwargs: Any) -> RulesChatModel:
        names = frozenset(t.name if isinstance(t, BaseTool) else t["name"] for t in tools)
        return self.model_copy(update={"bound_tools": names})

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: Any = None, **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self.respond(messages))])

    def respond(self, messages: Sequence[BaseMessage]) -> AIMessage:
        """The model's reply to a conversation (the newest message decides)."""
        if not messages:
            return AIMessage(content="Say what you would like to do, e.g. `price of sol`.")
        last = messages[-1]
        if isinstance(last, ToolMessage):
            after = (order_after_account(messages) or trigger_after_positions(messages)
                     or close_after_positions(messages))
            return after if after is not None else AIMessage(content=self._summarize_tool_results(messages))
        if not isinstance(last, HumanMessage):
            return AIMessage(content="")
        text = message_text(last)
        parsed = parse_command(text)
        refused = isinstance(parsed, NotUnderstood) and parsed.reason.startswith(APPROVAL_REASON)
        refusal = None if isinstance(parsed, ToolCalls) else declined(text)
        if refusal is not None:
            return AIMessage(content=refusal)  # a secret asked for, a risk limit to change: never near a tool
        ctx = None if refused else dialogue_context(messages)
        if ctx is not None:
            followup = resolve_followup(text, ctx)
            if isinstance(followup, Reply):
                return AIMessage(content=followup.text)
            if followup is not None and (not isinstance(parsed, ToolCalls) or (
                    isinstance(followup, ToolCalls) and rereads(text, ctx))):
                parsed = followup
            if ctx.asked_about is not None and (not isinstance(parsed, ToolCalls) or _bare_answer(text)):
                # "long 2" -> "which market?" -> "sol": the answer completes the request asked about
                # (a bare "sol" is the answer, not a price question).
                merged = answer_to_question(ctx.asked_about, text)
                completed = parse_command(merged) if merged is not None else None
                if isinstance(completed, ToolCalls):
                    parsed = completed
        if not isinstance(parsed, ToolCalls) and not refused:
            relative = entry_relative(text)
            if relative is not None and self._bound("get_positions") and self._bound("prepare_order"):
                market = relative.market or (ctx.last_market if ctx is not None else None)
                if market is None:
                    return AIMessage(content="On which position: SOL, BTC or ETH?")
                # The entry comes from the position first; the trigger follows its result (trigger_after_positions).
                return AIMessage(content="", additional_kwargs={"entry_relative": {
                    "kind": relative.kind, "percent": str(relative.percent), "above": relative.above,
                    "market": market}}, tool_calls=[tool_call("get_positions", {"market": market})])
            everything = closes_everything(text)
            if everything is not None and self._bound("get_positions") and self._bound("prepare_close"):
                # Which positions exist is the account's to say; the closes follow (close_after_positions).
                return AIMessage(content="", additional_kwargs={"close_all": {"side": everything.side}},
                                 tool_calls=[tool_call("get_positions", {})])
            attached = self._with_triggers(text)
            if attached is not None:
                return attached
            sizing = collateral_sizing(text)
            if isinstance(sizing, Ambiguous):
                return AIMessage(content=sizing.question)
            if sizing is not None and self._bound("get_account") and self._bound("prepare_order"):
                # The amount needs the account first; the order follows its result (order_after_account).
                return AIMessage(content="", additional_kwargs={"collateral_sizing": {
                    "share": str(sizing.share), "fields": {k: str(v) for k, v in sizing.fields.items()}}},
                    tool_calls=[tool_call("get_account", {})])
        if isinstance(parsed, NotUnderstood) and is_help_request(text):
            return AIMessage(content=parsed.help)  # "what can you do?" is for the list, not the docs
        if isinstance(parsed, NotUnderstood) and not refused:
            parsed = _order_question(text) or parsed
        if isinstance(parsed, NotUnderstood):
            question = route_question(text)  # "how do I approve a ticket?" is a question for the docs
            if not refused:
                parsed = read_by_intent(self.intents, text, question, self._bound) or parsed
            answerable = not refused or _ASKS_ABOUT_APPROVING.match(text.strip().lower()) is not None
            if isinstance(parsed, NotUnderstood) and answerable and question is not None and all(
                    self._bound(c.name) for c in question.calls):
                # A typed approval stays refused ("do it" is no question for the docs); a question about
                # approving ("does typing yes approve my trade?") is answered from them.
                parsed = question
        if isinstance(parsed, Ambiguous):
            return AIMessage(content=parsed.question)
        if isinstance(parsed, NotUnderstood):
            waiting = ctx.ticket_set_aside if ctx is not None else _ticket_was_waiting(messages)
            return AIMessage(content=_miss(text, parsed, ticket_was_waiting=waiting))
        unavailable = [c.name for c in parsed.calls if not self._bound(c.name)]
        if unavailable:
            return AIMessage(content=f"That needs the {', '.join(tool_label(n) for n in unavailable)} service, "
                                     "which is not available here.")
        return calling("", parsed)

    def _with_triggers(self, text: str) -> AIMessage | None:
        """"long 2 sol 5x tp 200 sl 150": the order's ticket, and its triggers one at a time after it fills."""
        found = attached_triggers(text)
        order = parse_command(found.order_text) if found is not None else None
        if found is None or not isinstance(order, ToolCalls) or len(order.calls) != 1 \
                or order.calls[0].name != "prepare_order" or not self._bound("prepare_order"):
            return None
        call = order.calls[0]
        args = call.args.model_dump(mode="json", exclude_defaults=True)
        if args.get("order_type", "market") not in ("market", "limit"):
            return None
        # The note is said with the call: the ticket that follows waits for approval, with no reply after it.
        return AIMessage(content=one_at_a_time(found, args["market"]), tool_calls=[tool_call(call.name, args)])

    def _bound(self, name: str) -> bool:
        return self.bound_tools is None or name in self.bound_tools

    @staticmethod
    def _summarize_tool_results(messages: Sequence[BaseMessage]) -> str:
        results: list[str] = []
        for message in reversed(messages):
            if not isinstance(message, ToolMessage):
                break
            answer = message.artifact.get("answer") if isinstance(message.artifact, dict) else None
            # search_knowledge's text is the passages for an LLM to quote; offline, its extractive answer.
            results.append(answer if message.name == "search_knowledge" and answer else message_text(message))
        return "\n\n".join(reversed(results))
