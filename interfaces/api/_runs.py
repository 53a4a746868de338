"""Runs: one turn of a thread, streamed to a client and kept so a dropped stream
resumes (``Last-Event-ID``) without the turn being run again.

A run goes on in a task of its own, whatever happens to the connection that
started it. Each event is stored in Postgres before anyone sees it, then handed
to whoever follows the run in this process; a client that resumes on another API
process reads the stored events and polls for the rest, so any worker serves any
run. Event ids are ``<run id>:<sequence number>``.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from interfaces.api._events import Emitted
from quantdesk.logs import get_logger

log = get_logger(__name__)

_POLL_S = 0.05
_LOST_AFTER_S = 120.0  # a run on another process that writes nothing for this long has lost its process
_CLEANUP_EVERY = 200  # runs started between two deletions of old runs
_KEPT = "1 day"


@dataclass(frozen=True)
class ApiEvent:
    id: str
    event: str
    data: dict[str, Any]

    @property
    def seq(self) -> int:
        return int(self.id.rsplit(":", 1)[1])

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "event": self.event, "data": self.data}


@dataclass
class _LiveRun:
    run_id: str
    user_id: str
    thread_id: str
    events: list[ApiEvent] = field(default_factory=list)
    done: bool = False
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def append(self, event: ApiEvent) -> None:
        self.events.append(event)
        self.done = event.event == "run_finished"
        self.changed.set()
        self.changed = asyncio.Event()


def parse_event_id(value: str) -> tuple[str, int] | None:
    run_id, _, seq = value.strip().rpartition(":")
    if len(run_id) != 32 or not seq.isdigit() or any(c not in "0123456789abcdef" for c in run_id):
        return None
    return run_id, int(seq)


class RunHub:
    """Runs of this process (``pool`` in autocommit: each event is one INSERT, one round trip)."""

    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool
        self._live: dict[str, _LiveRun] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._started = 0

    async def start(self, user_id: str, thread_id: str, turn: AsyncIterator[Emitted]) -> str:
        """Start the run (``turn`` yields its events, ``run_finished`` last); its id."""
        run = _LiveRun(uuid.uuid4().hex, user_id, thread_id)
        async with self._pool.connection() as conn:
            await conn.execute("INSERT INTO api_runs (run_id, user_id, thread_id) VALUES (%s, %s, %s)",
                               (run.run_id, user_id, thread_id))
            self._started += 1
            if self._started % _CLEANUP_EVERY == 0:
                await conn.execute(f"DELETE FROM api_runs WHERE created_at < now() - interval '{_KEPT}'")
        self._live[run.run_id] = run
        task = asyncio.create_task(self._run(run, turn))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return run.run_id

    async def _run(self, run: _LiveRun, turn: AsyncIterator[Emitted]) -> None:
        try:
            await self._record(run, "run_started", {"run_id": run.run_id})
            finished = False
            try:
                async for name, data in turn:
                    await self._record(run, name, data if name != "run_finished" else {"run_id": run.run_id, **data})
                    finished = finished or name == "run_finished"
            except Exception as exc:  # the run's boundary: the client gets an error event, the log the traceback
                log.exception("api.run_failed", run_id=run.run_id, error=type(exc).__name__)
                await self._record(run, "error", {"message": f"the turn failed unexpectedly ({type(exc).__name__}); "
                                                             "check the thread before trying again"})
            if not finished:
                await self._record(run, "run_finished", {"run_id": run.run_id, "outcome": "error"})
        except Exception as exc:  # the database went away while recording: followers learn it, nothing hangs
            log.warning("api.run_unrecorded", run_id=run.run_id, error=type(exc).__name__)
            run.append(ApiEvent(f"{run.run_id}:{len(run.events) + 1}", "error",
                                {"message": "the database became unavailable during this run; check the thread "
                                            "once it is back"}))
            run.append(ApiEvent(f"{run.run_id}:{len(run.events) + 1}", "run_finished",
                                {"run_id": run.run_id, "outcome": "error"}))
        finally:
            self._live.pop(run.run_id, None)

    async def _record(self, run: _LiveRun, name: str, data: dict[str, Any]) -> None:
        data = json.loads(json.dumps(data, default=str))  # Decimals in tool arguments become their text
        event = ApiEvent(f"{run.run_id}:{len(run.events) + 1}", name, data)
        async with self._pool.connection() as conn:
            await conn.execute("INSERT INTO api_run_events (run_id, seq, event) VALUES (%s, %s, %s)",
                               (run.run_id, event.seq, Jsonb({"event": name, "data": data})))
            if name == "run_finished":
                await conn.execute("UPDATE api_runs SET finished_at = now() WHERE run_id = %s", (run.run_id,))
        run.append(event)

    async def owner(self, run_id: str) -> tuple[str, str] | None:
        """The run's (user, thread), or ``None`` if there is no such run."""
        live = self._live.get(run_id)
        if live is not None:
            return live.user_id, live.thread_id
        async with self._pool.connection() as conn:
            cur = await conn.execute("SELECT user_id, thread_id FROM api_runs WHERE run_id = %s", (run_id,))
            row = await cur.fetchone()
        return None if row is None else (row[0], row[1])

    async def follow(self, run_id: str, after: int = 0) -> AsyncIterator[ApiEvent]:
        """The run's events after sequence number ``after``, up to ``run_finished``."""
        live = self._live.get(run_id)
        if live is None:
            async for event in self._poll(run_id, after):
                yield event
            return
        while True:
            while after < len(live.events):
                yield live.events[after]
                after += 1
            if live.done:
                return
            changed = live.changed  # taken with no await since the length check: no append is missed
            await changed.wait()

    async def _poll(self, run_id: str, after: int) -> AsyncIterator[ApiEvent]:
        """A run stored by (perhaps) another process: what is stored, then what comes."""
        quiet_since = asyncio.get_running_loop().time()
        while True:
            async with self._pool.connection() as conn:
                cur = await conn.execute("SELECT seq, event FROM api_run_events WHERE run_id = %s AND seq > %s "
                                         "ORDER BY seq", (run_id, after))
                rows = await cur.fetchall()
            for seq, stored in rows:
                after = seq
                yield ApiEvent(f"{run_id}:{seq}", stored["event"], stored["data"])
                if stored["event"] == "run_finished":
                    return
            now = asyncio.get_running_loop().time()
            if rows:
                quiet_since = now
            elif now - quiet_since > _LOST_AFTER_S:
                yield ApiEvent(f"{run_id}:{after + 1}", "error", {
                    "message": "this run stopped sending events (its API process may have stopped); read the "
                               "thread to see where the conversation is"})
                yield ApiEvent(f"{run_id}:{after + 2}", "run_finished", {"run_id": run_id, "outcome": "error"})
                return
            await asyncio.sleep(_POLL_S)

    async def aclose(self) -> None:
        """Let running turns end (a turn is never cut half way)."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
