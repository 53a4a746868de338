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
import uuid
from collections.abc import Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.tools import BaseTool

from agent.parser import APPROVAL_REASON, Ambiguous, NotUnderstood, parse_command, route_question
from agent.intents import arguments_for
from agent.parser import (
    Context,
    Parsed,
    Reply,
    ToolCalls,
    ToolUse,
    context_from,
    is_greeting,
    is_help_request,
    nearest_commands,
    resolve_followup,
)
from tools import tool_label


_GREETING = ("Hi! Ask me for a price (`price of sol`), an order (`long 2 sol 5x`), your positions "
             "(`my positions`) or how something works (`how is my liquidation price computed?`).")


_HOW_IT_WORKS = re.compile(r"\b(?:computed|calculated|calculate|compute|formula|mean|means|meaning|explain|define|"
                           r"defined|definition|difference|why|how (?:does|do|is|are|can))\b")
# A request to change something is no read question, whatever it is near ("raise my max leverage").
_ACTION = re.compile(r"\b(?:raise|lower|increase|decrease|set|change|turn|disable|enable|send|transfer|withdraw|"
                     r"cancel|route|move|delete|remove|reset|approve|sign|execute|give|wire|pay|open|place|buy|sell|"
                     r"long|short|close)\b|[1-9A-HJ-NP-Za-km-z]{32,44}")
_CONCEPT_LEAD = re.compile(r"(?:can|could|does|should|will|would|where|why|when)\b(?! (?:is|are|was) my\b)"
                           r"|(?:is|are) (?!my\b|i\b|there any\b)\w+")
_PERSONAL = re.compile(r"\b(?:my|mine|me|i|im|i'm|am i|i've|ive)\b")
_THANKS = "You're welcome! Anything else: a price, an order, your positions?"
_THANKED = re.compile(r"\b(thanks|thank|thx|ty|cheers|appreciated)\b")


_APPROVE_HOW = (" If you meant to approve the ticket: only its Approve button approves a ticket; typed words "
                "never do, in any language.")


def _context(messages: Sequence[BaseMessage]) -> Context:
    """What this conversation refers to: MIKEY's earlier tool calls and executions in this thread."""
    used: list[ToolUse] = []
    executions: list[dict[str, Any]] = []
    for message in messages[:-1]:
        if isinstance(message, AIMessage):
            used.extend(ToolUse(c["name"], c.get("args") or {}) for c in message.tool_calls)
            execution = message.additional_kwargs.get("execution")
            if isinstance(execution, dict):
                executions.append(execution)
    return context_from(used, executions, _ticket_was_waiting(messages))


def _ticket_was_waiting(messages: Sequence[BaseMessage]) -> bool:
    """Whether MIKEY's last turn before this message prepared a ticket (the new message set it aside)."""
    for message in reversed(messages[:-1]):
        if isinstance(message, ToolMessage):
            return message.status != "error" and isinstance(message.artifact, dict) and "ticket" in message.artifact
        if isinstance(message, HumanMessage):
            return False
    return False


def _miss(text: str, parsed: NotUnderstood, *, ticket_was_waiting: bool = False) -> str:
    """One short sentence and the nearest commands; the whole list only when asked for (`help`)."""
    if parsed.reason.startswith(APPROVAL_REASON):
        return f"I can't do that: {parsed.reason}. Nothing was approved or sent."
    if is_help_request(text):
        return parsed.help
    if is_greeting(text):
        return _THANKS if _THANKED.search(text.lower()) else _GREETING
    nearest = nearest_commands(text)
    guess = f" Did you mean {' or '.join(f'`{c}`' for c in nearest)}?" if nearest else ""
    approve = _APPROVE_HOW if ticket_was_waiting else ""
    return f"I didn't catch that offline ({parsed.reason}).{guess}{approve} Say `help` for everything I can do."


def _text(message: BaseMessage) -> str:
    content = message.content
    if isinstance(content, str):
        return content
    return " ".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)


class RulesChatModel(BaseChatModel):
    """Deterministic, offline, exact with numbers."""

    bound_tools: frozenset[str] | None = None
    # Free-form reads (agent.intents.IntentClassifier); None: the grammar and the question router only.
    intents: Any = None

    @property
    def _llm_type(self) -> str:
        return "mikey-rules"

    def bind_tools(self, tools: Sequence[Any], **_kwargs: Any) -> RulesChatModel:  # type: ignore[override]
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
            return AIMessage(content=self._summarize_tool_results(messages))
        if not isinstance(last, HumanMessage):
            return AIMessage(content="")
        text = _text(last)
        parsed = parse_command(text)
        refused = isinstance(parsed, NotUnderstood) and parsed.reason.startswith(APPROVAL_REASON)
        ctx = None if refused else _context(messages)
        if ctx is not None:
            followup = resolve_followup(text, ctx)
            if isinstance(followup, Reply):
                return AIMessage(content=followup.text)
            if followup is not None and not isinstance(parsed, ToolCalls):
                parsed = followup
        if isinstance(parsed, NotUnderstood) and is_help_request(text):
            return AIMessage(content=parsed.help)  # "what can you do?" is for the list, not the docs
        if isinstance(parsed, NotUnderstood):
            question = route_question(text)  # "how do I approve a ticket?" is a question for the docs
            if not refused:
                parsed = self._read_by_intent(text, question) or parsed
            if isinstance(parsed, NotUnderstood) and question is not None and all(
                    self._bound(c.name) for c in question.calls):
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
        return AIMessage(
            content="",
            tool_calls=[
                {"name": c.name, "args": c.args.model_dump(mode="json", exclude_defaults=True),
                 "id": f"rules-{uuid.uuid4().hex[:12]}", "type": "tool_call"}
                for c in parsed.calls
            ],
        )

    def _read_by_intent(self, text: str, routed: ToolCalls | None) -> Parsed | None:
        """A free-form read-only question, by its nearest labelled examples; how-it-works ones go to the docs.
        ``routed`` is where the question router would send it (:func:`route_question`)."""
        lowered = text.lower()
        if self.intents is None or _HOW_IT_WORKS.search(lowered) or _ACTION.search(lowered):
            return None  # "how is my liquidation price computed?" is for the docs, whatever it is near
        if routed is not None and (routed.calls[0].name == "explain_event" or not _PERSONAL.search(lowered)
                                   or _CONCEPT_LEAD.match(lowered)):
            # "what happened to my last order" is the trader's history; "what tick size does eth trade in",
            # "can a reduce only order flip me short" ask how things are: the docs.
            return None
        intent = self.intents.classify(text)
        if intent is None or intent.name == "search_knowledge" or not self._bound(intent.name):
            return None
        found = arguments_for(intent.name, text)
        return found if isinstance(found, ToolCalls) else None  # unsure of the arguments: not this road

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
            results.append(answer if message.name == "search_knowledge" and answer else _text(message))
        return "\n\n".join(reversed(results))
