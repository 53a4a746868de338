"""Request and response bodies of the native API (pydantic: the boundary is typed,
and /openapi.json is generated from these)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Path, Query
from pydantic import BaseModel, ConfigDict, Field

ThreadId = Annotated[str, Path(pattern=r"^[A-Za-z0-9._@+-][A-Za-z0-9._:@+-]{0,127}$",
                               description="Your id for the conversation (1-128 letters, digits, . _ : @ + -).")]
TicketHash = Annotated[str, Path(max_length=128, description="The ticket's full SHA-256 hash (64 hex characters).")]
Format = Annotated[Literal["text", "speech"], Query(
    description="'speech': replies rendered for text-to-speech (no markdown, numbers in words, sentence by sentence).")]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RunRequest(_Body):
    message: str = Field(min_length=1, description="The trader's message.")


class Event(BaseModel):
    id: str | None = Field(None, description="In a run: <run id>:<sequence number>; send the last one seen as "
                                             "Last-Event-ID to resume.")
    event: Literal["run_started", "text_delta", "tool_call_start", "tool_call_end", "ticket", "execution", "alert",
                   "error", "run_finished"]
    data: dict[str, Any]


class RunResult(BaseModel):
    run_id: str
    thread_id: str
    outcome: Literal["interrupt", "success", "error"]
    events: list[Event]


class Message(BaseModel):
    role: Literal["user", "assistant", "alert", "tool"]
    content: str
    name: str | None = Field(None, description="The tool, for role 'tool'.")


class ThreadView(BaseModel):
    thread_id: str
    messages: list[Message] = Field(description="This page of the conversation, oldest first.")
    pending_ticket: dict[str, Any] | None = Field(None, description="The ticket waiting for approval, every field "
                                                  "(on the newest page).")
    next_before: int | None = Field(None, description="Pass as `?before=` for the page before this one; null when "
                                                      "this page starts the thread.")


PageLimit = Annotated[int, Query(ge=1, le=500, description="At most this many of the thread's newest messages "
                                                           "(before `before`).")]
PageBefore = Annotated[int | None, Query(ge=0, description="The `next_before` of the page after: read the "
                                                           "messages written before it.")]


class TicketView(BaseModel):
    ticket: dict[str, Any] = Field(description="Every field of the ticket, the full hash among them.")
    status: Literal["pending", "executing", "executed", "failed", "rejected", "expired", "cancelled"]
    reason: str | None
    signature: str | None
    result: dict[str, Any] | None
    voice_code: str = Field(description="The 4-character code a voice client reads aloud (approval by read-back).")
    thread_id: str


class ApproveRequest(_Body):
    code: str | None = Field(None, max_length=64, description=(
        "Voice approval: the ticket's 4-character code as the trader read it back ('K7M3' or 'Kilo seven Mike "
        "three'). Only when the trader turned voice approval on; leave it out to approve by the hash alone."))


class Decision(BaseModel):
    ticket_hash: str
    status: Literal["pending", "executing", "executed", "failed", "rejected", "expired", "cancelled"]
    events: list[Event] = Field(description="What the decision did (execution, or a new ticket to approve).")
