"""The graph's nodes: small functions of state that return updates.

    agent ──tool calls──▶ tools ──ticket──▶ confirm ──approved──▶ execute ─▶ END
      ▲                     │                  │  ▲                   │
      └──────results────────┘                  │  └──── new ticket ───┘ (the old one's order number was taken)
                                               └─ rejected / expired / new message ─▶ END or agent

The confirm node pauses the graph with ``interrupt``; only an approval naming the
ticket's hash, from its user, before expiry, goes on to execute. Execution is
the venue's (through a TicketExecutor): no LLM, no key, in this module. Every
refused approval or rejection is audited with its reason by the executor (the ticket
desk, which writes a ticket's whole audit trail), as is the approval when it claims the ticket.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol, TypeVar

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, RemoveMessage, SystemMessage, ToolMessage
from langgraph.graph import END
from langgraph.types import Command, interrupt

from agent._dialogue import carrier, fold
from agent._prompts import prompt
from agent._window import LLM_WINDOW_TOKENS, RULES_WINDOW_TURNS, window
from agent.models import RulesChatModel
from agent.parser import is_unambiguous_command
from agent.state import Approved, MikeyState, Resume, TicketInterrupt
from quantdesk.audit import AuditLog
from quantdesk.errors import ApprovalError
from quantdesk.logs import get_logger
from quantdesk.tickets import (
    Approval,
    OrderTicket,
    TicketExecutor,
    TicketExpired,
    TicketStore,
    check_approval,
)
from tools import Toolbox, ToolContext
from tools.schemas import TRADING_TOOLS

log = get_logger(__name__)


_Out = TypeVar("_Out", covariant=True)


class Node(Protocol[_Out]):
    """A node: a function of the state (LangGraph passes it as ``state``) returning an update."""

    def __call__(self, state: MikeyState) -> _Out: ...


@dataclass(frozen=True)
class GraphDeps:
    toolbox: Toolbox
    tickets: TicketStore
    audit: AuditLog
    clock: Callable[[], datetime]
    executor: TicketExecutor | None = None  # None: a read-only MIKEY (no trading tools in the toolbox)
    llm: BaseChatModel | None = None
    intents: Any = None  # agent.intents.IntentClassifier: free-form reads for the offline model


def _last_human(messages: Sequence[BaseMessage]) -> HumanMessage | None:
    for message in reversed(messages):
        if isinstance(message, HumanMessage):
            return message
    return None


def _uses_rules(deps: GraphDeps, messages: Sequence[BaseMessage]) -> bool:
    """Route: unambiguous commands (and everything, without an LLM) go to the offline parser."""
    if deps.llm is None:
        return True
    human = _last_human(messages)
    return human is not None and isinstance(human.content, str) and is_unambiguous_command(human.content)


def make_agent_node(deps: GraphDeps) -> Node[dict[str, Any]]:
    """The model's next step on the thread's window; turns that leave the window leave the state here,
    folded into the dialogue memory (agent/_window.py, agent/_dialogue.py)."""
    schemas = deps.toolbox.schemas()
    rules = RulesChatModel(intents=deps.intents).bind_tools(schemas)
    llm = None if deps.llm is None else deps.llm.bind_tools(schemas).with_fallbacks([rules])
    # Sized for the deployment's model, not per message: a command the parser takes in an LLM's
    # thread must not cut the context the LLM reads on the next message.
    limits = {"max_turns": RULES_WINDOW_TURNS} if llm is None else {"max_tokens": LLM_WINDOW_TOKENS}

    def agent(state: MikeyState) -> dict[str, Any]:
        cut = window(state["messages"], **limits)
        memory = fold(state.get("dialogue"), cut.dropped) if cut.dropped else state.get("dialogue")
        messages: list[BaseMessage] = [*carrier(memory), *cut.kept]
        if _uses_rules(deps, cut.kept):
            reply = rules.invoke(messages)
        else:
            assert llm is not None
            reply = llm.invoke([SystemMessage(prompt("system")), *messages])
        update: dict[str, Any] = {"messages": [*(RemoveMessage(id=m.id) for m in cut.dropped if m.id), reply]}
        if cut.dropped or "dialogue" not in state:
            # Also on a thread's first step: a thread with a memory has its whole transcript.
            update["dialogue"] = memory if memory is not None else fold(None, ())
        return update

    return agent


def route_after_agent(state: MikeyState) -> Literal["tools", "__end__"]:
    last = state["messages"][-1]
    return "tools" if isinstance(last, AIMessage) and last.tool_calls else "__end__"


def make_tools_node(deps: GraphDeps) -> Node[Awaitable[dict[str, Any]]]:
    async def tools(state: MikeyState) -> dict[str, Any]:
        last = state["messages"][-1]
        assert isinstance(last, AIMessage)  # route_after_agent sends only tool calls here
        ctx = ToolContext(user_id=state["user_id"], thread_id=state["thread_id"], now=deps.clock())
        results: list[ToolMessage] = []
        ticket: OrderTicket | None = None
        for call in last.tool_calls:
            if call["name"] in TRADING_TOOLS and ticket is not None:
                results.append(ToolMessage(
                    "error: one ticket at a time; approve or reject the pending ticket first",
                    tool_call_id=call["id"], name=call["name"], status="error"))
                continue
            outcome = await deps.toolbox.call(call["name"], call["args"], ctx)
            if outcome.ticket is not None:
                ticket = outcome.ticket
            results.append(ToolMessage(outcome.text, tool_call_id=call["id"], name=call["name"],
                                       status="error" if outcome.error else "success",
                                       artifact=outcome.artifact()))
        update: dict[str, Any] = {"messages": results}
        if ticket is not None:
            update["ticket"] = ticket.model_dump(mode="json")
        return update

    return tools


def route_after_tools(state: MikeyState) -> Literal["confirm", "agent"]:
    return "confirm" if state.get("ticket") else "agent"


def _resume_value(value: object) -> Resume:
    """What the gate was resumed with; anything but a decision or a message counts as no approval."""
    return value if isinstance(value, dict) else Resume()  # type: ignore[return-value]


def make_confirm_node(deps: GraphDeps) -> Node[Command[Any]]:
    def confirm(state: MikeyState) -> Command[Any]:
        raw = state.get("ticket")
        assert raw is not None  # route_after_tools and the requote/execute nodes come here with a ticket
        ticket = OrderTicket.model_validate(raw)
        decision = _resume_value(interrupt(TicketInterrupt(type="ticket", ticket=raw)))
        action = decision.get("action")
        now = deps.clock()
        if action in ("approve", "reject", "refresh"):
            approval = Approval(str(decision.get("ticket_hash", "")), str(decision.get("user_id", "")), now,
                                ticket.thread_id)
            try:
                check_approval(ticket, approval)
            except ApprovalError as exc:
                # An expired ticket may still be refreshed by its owner (expiry is checked last).
                if not (action == "refresh" and isinstance(exc, TicketExpired)):
                    return _refused(deps, ticket, approval, action, exc, now)
            if action == "refresh":
                # Its owner asked for the same ticket on today's prices: this one closes, unsent.
                _record_close(deps, ticket, "cancelled", "replaced by a refreshed quote", now)
                return Command(goto="requote")
            if action == "reject":
                return _close(deps, ticket, "rejected", "rejected by its owner", now)
            return Command(goto="execute", update={"decision": Approved(ticket_hash=ticket.ticket_hash,
                                                                         user_id=approval.user_id)})
        text = str(decision.get("text", ""))
        reason = "a new message arrived before approval" if text else "no explicit approval was given"
        if not text:
            return _close(deps, ticket, "cancelled", reason, now)
        _record_close(deps, ticket, "cancelled", reason, now)
        return Command(goto="agent", update={"messages": [_closing_note(ticket, "cancelled", reason),
                                                          HumanMessage(text)], "ticket": None})

    return confirm


def _refused(deps: GraphDeps, ticket: OrderTicket, approval: Approval, action: str, exc: ApprovalError,
             now: datetime) -> Command[Any]:
    _desk(deps).refuse(action, approval, str(exc), ticket)
    if isinstance(exc, TicketExpired):
        return _close(deps, ticket, "expired", str(exc), now)
    # Not this ticket or not its owner: refuse, and keep waiting for the owner.
    note = AIMessage(f"That {action} was refused: {exc}. Ticket {ticket.short_hash} is still waiting.")
    return Command(goto="confirm", update={"messages": [note]})


def _desk(deps: GraphDeps) -> TicketExecutor:
    """Who keeps the tickets' audit trail: the executor that made them (a read-only MIKEY makes none)."""
    if deps.executor is None:
        raise ApprovalError("this MIKEY is read-only: it holds no tickets")
    return deps.executor


def _record_close(deps: GraphDeps, ticket: OrderTicket, status: Literal["rejected", "expired", "cancelled"],
                  reason: str, now: datetime) -> None:
    _desk(deps).close(ticket, status, reason, now)


def _close(deps: GraphDeps, ticket: OrderTicket, status: Literal["rejected", "expired", "cancelled"], reason: str,
           now: datetime) -> Command[Any]:
    _record_close(deps, ticket, status, reason, now)
    return Command(goto=END, update={"messages": [_closing_note(ticket, status, reason)], "ticket": None,
                                     "decision": None})


def _closing_note(ticket: OrderTicket, status: str, reason: str) -> AIMessage:
    return AIMessage(f"Ticket {ticket.short_hash} ({ticket.summary}) was {status}: {reason}. Nothing was sent.")


def make_execute_node(deps: GraphDeps) -> Node[Awaitable[Command[Any]]]:
    async def execute(state: MikeyState) -> Command[Any]:
        decision = state.get("decision")
        assert decision is not None  # the confirm node comes here only with an accepted approval
        approval = Approval(decision["ticket_hash"], decision["user_id"], deps.clock(), state["thread_id"])
        if deps.executor is None:
            return _done("Not executed: trading is not enabled here.")
        try:
            report = await deps.executor.execute(approval)
        except ApprovalError as exc:
            return _done(f"Not executed: {exc}")
        if report.rebuild:
            return await _ask_again(deps, state, report.summary)
        message = AIMessage(report.summary, additional_kwargs={"execution": {
            "ok": report.ok, "ticket_hash": report.ticket_hash, "signature": report.signature,
            "data": json.loads(json.dumps(report.data, default=str))}})
        return Command(goto=END, update={"messages": [message], "ticket": None, "decision": None})

    return execute


def make_requote_node(deps: GraphDeps) -> Node[Awaitable[Command[Any]]]:
    """After a refresh: the same request prepared again on today's prices, back to the gate."""
    async def requote(state: MikeyState) -> Command[Any]:
        return await _ask_again(deps, state, "Quote refreshed.")

    return requote


def _done(text: str) -> Command[Any]:
    return Command(goto=END, update={"messages": [AIMessage(text)], "ticket": None, "decision": None})


async def _ask_again(deps: GraphDeps, state: MikeyState, why: str) -> Command[Any]:
    """The ticket went stale before it could be sent: prepare the same request again and ask about the new one."""
    old = OrderTicket.model_validate(state["ticket"])
    ctx = ToolContext(user_id=state["user_id"], thread_id=state["thread_id"], now=deps.clock())
    outcome = await deps.toolbox.call(old.tool, old.params, ctx)
    if outcome.ticket is None:
        return _done(f"{why} Preparing it again failed: {outcome.text}")
    note = AIMessage(f"{why} I prepared the same request again as ticket {outcome.ticket.short_hash}; "
                     f"approve that one to go on.")
    return Command(goto="confirm", update={"messages": [note], "ticket": outcome.ticket.model_dump(mode="json"),
                                           "decision": None})
