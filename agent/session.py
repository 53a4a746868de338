"""ChatSession: the one service every interface (terminal, Chainlit, chat API,
Slack, Discord, voice) talks to. Send a message, approve or reject a ticket,
read history; each returns a stream of :class:`ChatEvent`.

Events: ``text`` (a chunk of MIKEY's answer), ``tool_call``, ``tool_result``,
``ticket`` (awaiting approval, with every field and the hash), ``execution``
(what happened after an approval) and ``error``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, ToolMessage
from langgraph.types import Command

from quantdesk.audit import AuditLog
from quantdesk.logs import bind_ids, get_logger

log = get_logger(__name__)

EventType = Literal["text", "tool_call", "tool_result", "ticket", "execution", "error"]
_MAX_AUDITED_TEXT = 2000


@dataclass(frozen=True)
class ChatEvent:
    type: EventType
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, **self.data}


class ChatSession:
    def __init__(self, graph: Any, audit: AuditLog, clock: Callable[[], datetime],
                 notifications: Callable[[str], list[Any]] | None = None) -> None:
        self._graph = graph
        self._audit = audit
        self._clock = clock
        self._notifications = notifications

    def notifications(self, thread_id: str) -> list[ChatEvent]:
        """Alerts that fired for this thread since last asked (interfaces push these)."""
        if self._notifications is None:
            return []
        return [ChatEvent("text", {"role": "alert", "text": n.text}) for n in self._notifications(thread_id)]

    @staticmethod
    def _config(thread_id: str) -> dict[str, Any]:
        return {"configurable": {"thread_id": thread_id}}

    async def pending_ticket(self, thread_id: str) -> dict[str, Any] | None:
        """The ticket the thread is waiting on, if any."""
        return _pending(await self._graph.aget_state(self._config(thread_id)))

    async def send(self, thread_id: str, user_id: str, text: str) -> AsyncIterator[ChatEvent]:
        """A trader's message. While a ticket waits, any message cancels it first (and is then answered)."""
        with bind_ids(thread_id=thread_id, user_id=user_id):
            snapshot = await self._graph.aget_state(self._config(thread_id))
            owner = snapshot.values.get("user_id") if snapshot.values else None
            if owner is not None and owner != user_id:
                yield ChatEvent("error", {"message": "this conversation belongs to another user"})
                return
            for event in self.notifications(thread_id):
                yield event
            self._audit.append("message", user_id=user_id, thread_id=thread_id,
                               detail={"text": text[:_MAX_AUDITED_TEXT]})
            if _pending(snapshot) is not None:
                graph_input: Any = Command(resume={"action": "message", "text": text})
            else:
                graph_input = {"messages": [HumanMessage(text)], "user_id": user_id, "thread_id": thread_id,
                               "ticket": None, "decision": None}
            async for event in self._run(graph_input, thread_id):
                yield event

    async def approve(self, thread_id: str, user_id: str, ticket_hash: str) -> AsyncIterator[ChatEvent]:
        """An explicit approval (a button, /approve HASH, an API call) naming the ticket's hash."""
        async for event in self._decide("approve", thread_id, user_id, ticket_hash):
            yield event

    async def reject(self, thread_id: str, user_id: str, ticket_hash: str) -> AsyncIterator[ChatEvent]:
        async for event in self._decide("reject", thread_id, user_id, ticket_hash):
            yield event

    async def _decide(self, action: str, thread_id: str, user_id: str, ticket_hash: str) -> AsyncIterator[ChatEvent]:
        with bind_ids(thread_id=thread_id, user_id=user_id, ticket=ticket_hash[:12]):
            if await self.pending_ticket(thread_id) is None:
                yield ChatEvent("error", {"message": "no ticket is waiting for approval in this conversation"})
                return
            decision = {"action": action, "ticket_hash": ticket_hash, "user_id": user_id}
            async for event in self._run(Command(resume=decision), thread_id):
                yield event

    async def history(self, thread_id: str) -> list[ChatEvent]:
        """The conversation so far, as events (text, tool calls and results)."""
        snapshot = await self._graph.aget_state(self._config(thread_id))
        events: list[ChatEvent] = []
        for message in (snapshot.values or {}).get("messages", []):
            if isinstance(message, HumanMessage):
                events.append(ChatEvent("text", {"role": "user", "text": message.content}))
            else:
                events.extend(_message_events(message))
        ticket = await self.pending_ticket(thread_id)
        if ticket is not None:
            events.append(ChatEvent("ticket", {"ticket": ticket}))
        return events

    async def _run(self, graph_input: Any, thread_id: str) -> AsyncIterator[ChatEvent]:
        config = self._config(thread_id)
        streamed_text = False
        async for mode, payload in self._graph.astream(graph_input, config, stream_mode=["messages", "updates"]):
            if mode == "messages":
                chunk, meta = payload
                if meta.get("langgraph_node") == "agent" and isinstance(chunk, AIMessageChunk | AIMessage):
                    if isinstance(chunk.content, str) and chunk.content:
                        streamed_text = True
                        yield ChatEvent("text", {"role": "assistant", "text": chunk.content})
                continue
            for node, update in payload.items():
                if node == "__interrupt__":
                    for pending in update:
                        yield ChatEvent("ticket", {"ticket": pending.value["ticket"]})
                    continue
                for message in (update or {}).get("messages", []) if isinstance(update, dict) else []:
                    for event in _message_events(message):
                        if event.type == "text" and node == "agent" and streamed_text:
                            continue  # already streamed chunk by chunk
                        yield event
            streamed_text = False


def _pending(snapshot: Any) -> dict[str, Any] | None:
    for pending in snapshot.interrupts:
        if isinstance(pending.value, dict) and pending.value.get("type") == "ticket":
            return pending.value["ticket"]
    return None


def _message_events(message: Any) -> list[ChatEvent]:
    events: list[ChatEvent] = []
    if isinstance(message, AIMessage):
        for call in message.tool_calls:
            events.append(ChatEvent("tool_call", {"id": call["id"], "name": call["name"], "args": call["args"]}))
        execution = message.additional_kwargs.get("execution")
        if execution is not None:
            events.append(ChatEvent("execution", {**execution, "text": message.content}))
        elif isinstance(message.content, str) and message.content:
            events.append(ChatEvent("text", {"role": "assistant", "text": message.content}))
    elif isinstance(message, ToolMessage):
        events.append(ChatEvent("tool_result", {"id": message.tool_call_id, "name": message.name,
                                                "status": message.status, "text": message.content,
                                                "data": message.artifact or {}}))
    return events
