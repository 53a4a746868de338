"""Running a case against the world: a fresh trader and thread per case (and per trial),
the setup turns, then each turn through the same ChatSession calls every interface makes
(send, approve, reject), recording what MIKEY did."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from agent import ChatEvent
from evals.cases import Case, Turn
from evals.world import EvalWorld


@dataclass
class TurnRecord:
    """What one turn did: the events as every interface sees them, and their digest."""

    kind: str
    text: str
    events: list[dict[str, Any]] = field(default_factory=list)
    latency_ms: float = 0.0
    first_event_ms: float | None = None

    def _of(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["type"] == kind]

    @property
    def tool_calls(self) -> list[dict[str, Any]]:
        return [{"name": e["name"], "args": e.get("args") or {}} for e in self._of("tool_call")]

    @property
    def tool_results(self) -> list[dict[str, Any]]:
        return self._of("tool_result")

    @property
    def ticket(self) -> dict[str, Any] | None:
        tickets = self._of("ticket")
        return tickets[-1]["ticket"] if tickets else None

    @property
    def execution(self) -> dict[str, Any] | None:
        executions = self._of("execution")
        return executions[-1] if executions else None

    @property
    def reply(self) -> str:
        parts = [e.get("text", "") for e in self.events if e["type"] in ("text", "execution", "error")]
        return "\n".join(p for p in parts if p)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "latency_ms": round(self.latency_ms, 2),
                "first_event_ms": None if self.first_event_ms is None else round(self.first_event_ms, 2),
                "tool_calls": self.tool_calls, "ticket": self.ticket, "execution": self.execution,
                "reply": self.reply, "events": self.events}


@dataclass
class CaseRun:
    case: Case
    trial: int
    user_id: str
    thread_id: str
    setup: list[TurnRecord]
    turns: list[TurnRecord]
    error: str | None = None


def _event_json(event: ChatEvent) -> dict[str, Any]:
    return _plain(event.to_json())


def _plain(value: Any) -> Any:
    """Events as JSON-able data (a ticket holds Decimals and datetimes)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


async def _turn(world: EvalWorld, turn: Turn, user_id: str, thread_id: str, stale: tuple[str, ...]) -> TurnRecord:
    await world.publish_prices(stale)
    session = world.mikey.session
    record = TurnRecord(kind=turn.kind, text=turn.user or turn.kind)
    started = time.perf_counter()
    if turn.user is not None:
        stream = session.send(thread_id, user_id, turn.user)
    else:
        pending = await session.pending_ticket(thread_id)
        if pending is None:
            record.events.append({"type": "error", "text": "no ticket is pending to act on"})
            record.latency_ms = (time.perf_counter() - started) * 1000
            return record
        who = f"{user_id}-other" if turn.approve_as_other else user_id
        action = session.reject if turn.reject else session.approve
        stream = action(thread_id, who, pending["ticket_hash"])
    async for event in stream:
        if record.first_event_ms is None:
            record.first_event_ms = (time.perf_counter() - started) * 1000
        record.events.append(_event_json(event))
    record.latency_ms = (time.perf_counter() - started) * 1000
    return record


async def run_case(world: EvalWorld, case: Case, trial: int = 1) -> CaseRun:
    """One trial of a case with a trader nobody else uses."""
    user_id = f"eval-{case.id}-t{trial}-{uuid.uuid4().hex[:6]}"
    thread_id = f"eval:{user_id}"
    if case.setup.limits:
        world.limits.update(user_id, case.setup.limits, by="eval-setup")
    run = CaseRun(case, trial, user_id, thread_id, [], [])
    try:
        for turn in case.setup.turns:
            run.setup.append(await _turn(world, turn, user_id, thread_id, case.setup.stale))
        for turn in case.turns:
            run.turns.append(await _turn(world, turn, user_id, thread_id, case.setup.stale))
    except Exception as exc:  # noqa: BLE001 - a crash is a result: the case fails with it, the run goes on
        run.error = f"{type(exc).__name__}: {exc}"
    return run
