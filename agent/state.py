"""The graph's state, and what crosses its confirmation gate, as typed dicts.

They are typed dicts (JSON-shaped) rather than classes because LangGraph stores them
in checkpoints: plain values survive any version of this code, and a thread paused
before a change resumes after it.

``messages`` is a window, not the conversation: the recent turns the model and the
parser see (agent/_window.py). Older turns leave the state, folded into ``dialogue``
(what follow-ups refer to) on the way out; the whole conversation is the transcript
(agent/_transcript.py, table ``chat_messages``), written once per message.

``ticket`` is the pending ticket (``OrderTicket.model_dump(mode="json")``: ids,
parameters, simulated outcome and the unsigned message) while the graph waits at the
gate; it never holds key material. ``decision`` is the approval the gate accepted.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypedDict

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages

# An OrderTicket as JSON (quantdesk.tickets.OrderTicket validates it wherever it is used).
TicketJson = dict[str, Any]


class ToolUseRecord(TypedDict):
    """One tool call MIKEY made: its name and arguments."""

    name: str
    args: dict[str, Any]


class DialogueMemory(TypedDict, total=False):
    """What the turns that left the window leave behind: bounded whatever the thread's length.

    ``uses`` keeps, in conversation order, each tool's last call and its last call
    naming a market, with the parser's marks of listed items and executed tickets
    (agent/_dialogue.py says which it keeps); ``executions`` the last execution and the last that left an
    order resting. Read in order they give the same follow-up context
    (agent.parser._followups.context_from) as the whole conversation would.
    """

    uses: list[ToolUseRecord]
    executions: list[dict[str, Any]]
    ticket_prepared: bool       # the last tool result since the last human message was a ticket
    turns: int                  # turns that left the window
    requests: list[str]         # the trader's last few messages that left it (an LLM's summary)
    tickets: dict[str, dict[str, Any]]  # the last few prepared tickets' params by hash (what an execution filled)
    asked_about: str | None     # the trader's last message, when MIKEY answered it with questions only


class TicketInterrupt(TypedDict):
    """What the confirm node pauses with (``interrupt``): the ticket to approve."""

    type: Literal["ticket"]
    ticket: TicketJson


class Resume(TypedDict, total=False):
    """What a paused thread resumes with: an explicit decision naming a ticket, or a new message."""

    action: Literal["approve", "reject", "refresh", "message"]
    ticket_hash: str
    user_id: str
    text: str               # action "message": the trader's new message (it sets the ticket aside)


class Approved(TypedDict):
    """The approval the gate accepted, for the execute node."""

    ticket_hash: str
    user_id: str


class MikeyState(TypedDict, total=False):
    messages: Annotated[list[AnyMessage], add_messages]
    user_id: str
    thread_id: str
    ticket: TicketJson | None
    decision: Approved | None
    dialogue: DialogueMemory
