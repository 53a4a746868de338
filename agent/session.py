"""ChatSession: the one service every interface (terminal, Chainlit, chat API,
Slack, Discord, voice) talks to. Send a message, approve or reject a ticket,
read history; each returns a stream of :class:`ChatEvent`.

Events: ``text`` (MIKEY's answer: a whole message, or a chunk of one while an LLM
streams; chunks of one message share its ``id``), ``tool_call``, ``tool_result``,
``ticket`` (awaiting approval, with every field and the hash), ``execution``
(what happened after an approval) and ``error``.

A conversation takes one turn at a time: a second message or approval for the
same thread waits until the first has finished, so five approvals at once are
one approval and four refusals, never five runs of the graph over one paused
checkpoint. Within a process a lock per thread does it; across processes on one
database (API workers, the web page) ``turn_lock`` does (quantdesk.db.TurnLocks:
a Postgres advisory lock per thread, a bounded wait, then an error and nothing
done). A ticket event is sent only once the paused
graph is stored, so an approval sent the instant it arrives finds it. If the
database is away, a turn ends with one ``error`` event saying so; the pools
reconnect by themselves and the next turn works once it is back.

History is the transcript (every message, written once, in order: agent/_transcript.py),
not the graph's state, which keeps only a thread's recent turns; after each turn the
thread's superseded checkpoints are pruned, so neither a turn's cost nor a thread's
storage grows with its length. A message's run saves its checkpoint when it ends or
pauses at the gate (LangGraph's ``durability="exit"``: a message signs nothing, so a
crash mid-turn loses only that turn's answer); a decision's run keeps the default.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, RemoveMessage, ToolMessage
from langgraph.types import Command, Durability

from agent._dialogue import fold
from agent._transcript import Transcript, page_bounds
from agent.state import Resume, TicketInterrupt, TicketJson
from quantdesk.audit import AuditLog
from quantdesk.db import DatabaseUnavailable, ThreadBusy, is_unavailable
from quantdesk.locks import KeyedLocks
from quantdesk.logs import bind_ids, get_logger
from tools import ToolOutcome

log = get_logger(__name__)

EventType = Literal["text", "tool_call", "tool_result", "ticket", "execution", "error"]
MAX_AUDITED_TEXT = 2000
_NOT_PROCESSED = "the database is unavailable; your {what} was not processed, try again"
_MAYBE_PROCESSED = ("the database became unavailable while your {what} was being handled; check your positions "
                    "and orders once it is back before trying again")
_NOT_YOURS = "this conversation belongs to another user"
_NO_TICKET = "no ticket is waiting for approval in this conversation"


@dataclass(frozen=True)
class ChatEvent:
    type: EventType
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, **self.data}


@dataclass(frozen=True)
class HistoryPage:
    """Part of a thread's history: its events, the position of its first message, the thread's message count."""

    events: list[ChatEvent]
    start: int
    total: int


class ChatSession:
    def __init__(self, graph: Any, audit: AuditLog, clock: Callable[[], datetime],
                 notifications: Callable[[str], list[Any]] | None = None,
                 turn_lock: Callable[[str], AbstractAsyncContextManager[Any]] | None = None,
                 transcript: Transcript | None = None) -> None:
        self._graph = graph
        # The thread store is the graph's checkpointer (agent._checkpoint.ThreadSaver): its transcript
        # and its pruning. Without one (another saver), history is the state's window.
        saver = getattr(graph, "checkpointer", None)
        self._transcript = transcript if transcript is not None else getattr(saver, "transcript", None)
        self._keep_latest: Callable[[str], Awaitable[None]] | None = getattr(saver, "keep_latest", None)
        self._audit = audit
        self._clock = clock
        self._notifications = notifications
        self._turns = KeyedLocks()
        self._turn_lock = turn_lock or (lambda _thread: nullcontext())
        self._running: set[asyncio.Task[None]] = set()

    def notifications(self, thread_id: str) -> list[ChatEvent]:
        """Alerts that fired for this thread since last asked (interfaces push these)."""
        if self._notifications is None:
            return []
        try:
            fired = self._notifications(thread_id)
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            return []  # they stay stored and are delivered once the database is back
        return [ChatEvent("text", {"role": "alert", "text": n.text}) for n in fired]

    @staticmethod
    def _config(thread_id: str) -> dict[str, Any]:
        return {"configurable": {"thread_id": thread_id}}

    async def pending_ticket(self, thread_id: str) -> TicketJson | None:
        """The ticket the thread is waiting on, if any. Raises DatabaseUnavailable when it cannot be read."""
        return _pending(await self._state(thread_id, "request"))

    async def _state(self, thread_id: str, what: str) -> Any:
        """The thread's stored state; DatabaseUnavailable (nothing was done) when it cannot be read."""
        try:
            return await self._graph.aget_state(self._config(thread_id))
        except Exception as exc:
            if is_unavailable(exc):
                raise DatabaseUnavailable(_NOT_PROCESSED.format(what=what)) from exc
            raise

    async def send(self, thread_id: str, user_id: str, text: str) -> AsyncIterator[ChatEvent]:
        """A trader's message. While a ticket waits, any message cancels it first (and is then answered)."""
        async for event in self._one_turn(thread_id, self._send(thread_id, user_id, text), "message"):
            yield event

    async def approve(self, thread_id: str, user_id: str, ticket_hash: str) -> AsyncIterator[ChatEvent]:
        """An explicit approval (a button, /approve HASH, an API call) naming the ticket's hash."""
        async for event in self._one_turn(thread_id, self._decide("approve", thread_id, user_id, ticket_hash),
                                          "approval"):
            yield event

    async def reject(self, thread_id: str, user_id: str, ticket_hash: str) -> AsyncIterator[ChatEvent]:
        async for event in self._one_turn(thread_id, self._decide("reject", thread_id, user_id, ticket_hash),
                                          "rejection"):
            yield event

    async def refresh(self, thread_id: str, user_id: str, ticket_hash: str) -> AsyncIterator[ChatEvent]:
        """The pending (or expired, still waiting) ticket prepared again on today's prices; the old one closes."""
        async for event in self._one_turn(thread_id, self._decide("refresh", thread_id, user_id, ticket_hash),
                                          "refresh"):
            yield event

    async def propose(self, thread_id: str, user_id: str, tool: str, args: dict[str, Any],
                      prepare: Callable[[], Awaitable[ToolOutcome]]) -> AsyncIterator[ChatEvent]:
        """A ticket asked for by a program rather than typed (an MCP client's ``propose_*``):
        ``prepare`` runs the ticket tool (the same toolbox, trading service, risk rules and
        ticket store as a chat's), and its ticket waits at this thread's confirmation gate
        exactly like a chat's, so only an approval naming its hash, from its user, on a
        human surface, goes on. The thread must be new; events: ``tool_call``,
        ``tool_result``, then ``ticket`` (or ``error``)."""
        async for event in self._one_turn(thread_id, self._propose(thread_id, user_id, tool, args, prepare),
                                          "request"):
            yield event

    async def _propose(self, thread_id: str, user_id: str, tool: str, args: dict[str, Any],
                       prepare: Callable[[], Awaitable[ToolOutcome]]) -> AsyncIterator[ChatEvent]:
        with bind_ids(thread_id=thread_id, user_id=user_id):
            snapshot = await self._state(thread_id, "request")
            if snapshot.values:
                yield ChatEvent("error", {"message": "a proposal starts a conversation of its own; this one exists"})
                return
            self._audit.append("message", user_id=user_id, thread_id=thread_id,
                               detail={"text": f"{tool} {json.dumps(args, default=str)}"[:MAX_AUDITED_TEXT],
                                       "proposed": True})
            call = {"id": f"call_{uuid.uuid4().hex[:16]}", "name": tool, "args": args}
            yield ChatEvent("tool_call", dict(call))
            outcome = await prepare()
            result = ToolMessage(outcome.text, tool_call_id=call["id"], name=tool,
                                 status="error" if outcome.error else "success",
                                 artifact=outcome.artifact())
            yield _message_events(result)[0]
            if outcome.ticket is None:
                return  # nothing to wait for: no thread is stored, no agent runs on a program's request
            # Stored as if the graph's tools node had made the call, so the graph goes on to its
            # confirmation gate and pauses there (no model runs on a program's request).
            said: list[BaseMessage] = [AIMessage("", tool_calls=[call], id=_new_id()), result]
            result.id = _new_id()
            update = {"messages": said, "user_id": user_id, "thread_id": thread_id,
                      "ticket": outcome.ticket.model_dump(mode="json"), "decision": None, "dialogue": fold(None, ())}
            await self._graph.aupdate_state(self._config(thread_id), update, as_node="tools")
            async for event in self._run(None, thread_id, said=said):
                yield event

    async def _one_turn(self, thread_id: str, turn: AsyncIterator[ChatEvent], what: str) -> AsyncIterator[ChatEvent]:
        """Run ``turn`` after any other turn of the thread, passing its events on as they come.

        The turn runs in a task of its own that holds the thread's lock, not in this
        generator: a caller that approves from inside its loop over a message's events
        (as a web page's button does) then waits for that message's turn to end
        instead of deadlocking on it. A caller that goes away does not stop a turn
        half way (say between signing and recording): it runs to its end.
        """
        queue: asyncio.Queue[ChatEvent | None] = asyncio.Queue()

        async def run() -> None:
            try:
                async with self._turns(thread_id), self._turn_lock(thread_id):
                    async for event in turn:
                        queue.put_nowait(event)
            except ThreadBusy as exc:  # another process's turn of this thread went on too long: nothing was done
                log.warning("chat.thread_busy", thread_id=thread_id)
                queue.put_nowait(ChatEvent("error", {"message": str(exc)}))
            except Exception as exc:
                if not is_unavailable(exc):
                    raise
                log.warning("chat.database_unavailable", thread_id=thread_id, error=type(exc).__name__)
                # DatabaseUnavailable comes from the turn's first read, before anything was done;
                # a message never signs anything, so sending it again is always safe.
                settled = isinstance(exc, DatabaseUnavailable) or what == "message"
                message = (_NOT_PROCESSED if settled else _MAYBE_PROCESSED).format(what=what)
                queue.put_nowait(ChatEvent("error", {"message": message}))
            finally:
                queue.put_nowait(None)

        task = asyncio.create_task(run())
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        while (event := await queue.get()) is not None:
            yield event
        await task  # anything but an outage is a bug: let it surface

    async def _send(self, thread_id: str, user_id: str, text: str) -> AsyncIterator[ChatEvent]:
        with bind_ids(thread_id=thread_id, user_id=user_id):
            snapshot = await self._graph.aget_state(self._config(thread_id))
            owner = snapshot.values.get("user_id") if snapshot.values else None
            if owner is not None and owner != user_id:
                yield ChatEvent("error", {"message": _NOT_YOURS})
                return
            for event in self.notifications(thread_id):
                yield event
            self._audit.append("message", user_id=user_id, thread_id=thread_id,
                               detail={"text": text[:MAX_AUDITED_TEXT]})
            await self._adopt(thread_id, snapshot)
            said: list[BaseMessage] = []
            if _pending(snapshot) is not None:
                graph_input: Any = Command(resume=Resume(action="message", text=text))
            else:
                said = [HumanMessage(text, id=_new_id())]
                graph_input = {"messages": said, "user_id": user_id, "thread_id": thread_id,
                               "ticket": None, "decision": None}
            async for event in self._run(graph_input, thread_id, said=said, durability="exit"):
                yield event

    async def _decide(self, action: str, thread_id: str, user_id: str, ticket_hash: str) -> AsyncIterator[ChatEvent]:
        with bind_ids(thread_id=thread_id, user_id=user_id, ticket=ticket_hash[:12]):
            snapshot = await self._state(thread_id, "approval" if action == "approve" else "rejection")
            owner = snapshot.values.get("user_id") if snapshot.values else None
            # Another user's decision never reaches the graph: the owner's thread stays as it was.
            refused = _NOT_YOURS if owner is not None and owner != user_id else (
                _NO_TICKET if _pending(snapshot) is None else None)
            if refused is not None:
                self._audit.refusal(action, user_id=user_id, thread_id=thread_id, reason=refused,
                                    named=ticket_hash)
                yield ChatEvent("error", {"message": refused})
                return
            await self._adopt(thread_id, snapshot)
            decision = Resume(action=action, ticket_hash=ticket_hash, user_id=user_id)  # type: ignore[typeddict-item]
            async for event in self._run(Command(resume=decision), thread_id):
                yield event

    async def _adopt(self, thread_id: str, snapshot: Any) -> None:
        """A thread from before the transcript (migration 0016): its messages, still all in its
        checkpoint, are copied in once, before its window first moves. A thread whose state has a
        dialogue memory has had its transcript from the start."""
        values = snapshot.values or {}
        if (self._transcript is None or not values.get("messages") or "dialogue" in values
                or await self._transcript.has(thread_id)):
            return
        await self._transcript.append(thread_id, values["messages"])
        log.info("chat.transcript_adopted", thread_id=thread_id, messages=len(values["messages"]))

    async def history(self, thread_id: str) -> list[ChatEvent]:
        """The whole conversation so far, in order, as events (text, tool calls and results),
        and the ticket waiting for approval, if any."""
        return (await self.history_page(thread_id)).events

    async def history_page(self, thread_id: str, *, limit: int | None = None,
                           before: int | None = None) -> HistoryPage:
        """Up to ``limit`` messages (None: all) ending just before position ``before`` (None: the newest) as
        events, oldest first; the waiting ticket comes with the newest page."""
        snapshot = await self._graph.aget_state(self._config(thread_id))
        if self._transcript is not None:
            await self._adopt(thread_id, snapshot)
            messages, start, total = await self._transcript.read_page(thread_id, limit=limit, before=before)
        else:
            every = list((snapshot.values or {}).get("messages", []))
            total = len(every)
            start, end = page_bounds(total, limit, before)
            messages = every[start:end]
        events: list[ChatEvent] = []
        for message in messages:
            if isinstance(message, HumanMessage):
                events.append(ChatEvent("text", {"role": "user", "text": message.content}))
            else:
                events.extend(_message_events(message))
        ticket = _pending(snapshot) if before is None else None
        if ticket is not None:
            events.append(ChatEvent("ticket", {"ticket": ticket}))
        return HistoryPage(events, start, total)

    async def _run(self, graph_input: Any, thread_id: str, *, said: Sequence[BaseMessage] = (),
                   durability: Durability | None = None) -> AsyncIterator[ChatEvent]:
        """Run the graph, passing its events on; ``said``: this turn's messages that are not nodes' output."""
        config = self._config(thread_id)
        written = list(said)
        try:
            async for event in self._stream(graph_input, config, written, durability):
                yield event
        finally:
            # Whatever the turn got to, its messages join the transcript (a turn cut short by an
            # outage writes what it can; the next turn's write follows it in order).
            if self._transcript is not None:
                await self._transcript.append(thread_id, written)
        if self._keep_latest is not None:
            await self._keep_latest(thread_id)

    async def _stream(self, graph_input: Any, config: dict[str, Any], written: list[BaseMessage],
                      durability: Durability | None) -> AsyncIterator[ChatEvent]:
        streamed_text = False
        paused = False
        async for mode, payload in self._graph.astream(graph_input, config, stream_mode=["messages", "updates"],
                                                       durability=durability):
            if mode == "messages":
                chunk, meta = payload
                if meta.get("langgraph_node") == "agent" and isinstance(chunk, AIMessageChunk | AIMessage):
                    if isinstance(chunk.content, str) and chunk.content:
                        streamed_text = True
                        yield ChatEvent("text", {"role": "assistant", "text": chunk.content, "id": chunk.id})
                continue
            for node, update in payload.items():
                if node == "__interrupt__":
                    paused = True
                    continue
                for message in (update or {}).get("messages", []) if isinstance(update, dict) else []:
                    if isinstance(message, RemoveMessage):
                        continue  # left the window; it stays in the transcript
                    written.append(message)
                    for event in _message_events(message):
                        if event.type == "text" and node == "agent" and streamed_text:
                            continue  # already streamed chunk by chunk
                        yield event
            streamed_text = False
        if paused:
            # The stream reports the interrupt before its checkpoint is written; the ticket is
            # shown from the stored checkpoint, which is exactly what an approval will find.
            ticket = _pending(await self._graph.aget_state(config))
            if ticket is not None:
                yield ChatEvent("ticket", {"ticket": ticket})


def _new_id() -> str:
    return str(uuid.uuid4())


def _pending(snapshot: Any) -> TicketJson | None:
    for pending in snapshot.interrupts:
        value = pending.value
        if isinstance(value, dict) and value.get("type") == "ticket":
            request: TicketInterrupt = value  # type: ignore[assignment]  # what the confirm node paused with
            return request["ticket"]
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
            events.append(ChatEvent("text", {"role": "assistant", "text": message.content, "id": message.id}))
    elif isinstance(message, ToolMessage):
        events.append(ChatEvent("tool_result", {"id": message.tool_call_id, "name": message.name,
                                                "status": message.status, "text": message.content,
                                                "data": message.artifact or {}}))
    return events
