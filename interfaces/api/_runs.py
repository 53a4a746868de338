"""Runs: one turn of a thread, streamed to a client and kept so a dropped stream
resumes (``Last-Event-ID``) without the turn being run again.

A run goes on in a task of its own, whatever happens to the connection that
started it. Each event goes at once to whoever follows the run in this process,
and is stored in Postgres right behind it (in batches, so storing costs the
client no time); a client that resumes on another API process reads the stored
events and polls for the rest, so any worker serves any run. Event ids are
``<run id>:<sequence number>``.
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
    """Runs of this process. ``pool`` is in autocommit; each batch of a run's events is
    stored in one round trip (a pipeline)."""

    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool
        self._live: dict[str, _LiveRun] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._started = 0

    async def start(self, user_id: str, thread_id: str, turn: AsyncIterator[Emitted]) -> str:
        """Start the run (``turn`` yields its events, ``run_finished`` last); its id."""
        run = _LiveRun(uuid.uuid4().hex, user_id, thread_id)
        self._live[run.run_id] = run
        task = asyncio.create_task(self._run(run, turn))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return run.run_id

    async def _run(self, run: _LiveRun, turn: AsyncIterator[Emitted]) -> None:
        writer = asyncio.create_task(self._store(run))
        try:
            self._add(run, "run_started", {"run_id": run.run_id})
            try:
                async for name, data in turn:
                    self._add(run, name, {"run_id": run.run_id, **data} if name == "run_finished" else data)
            except Exception as exc:  # the run's boundary: the client gets an error event, the log the traceback
                log.exception("api.run_failed", run_id=run.run_id, error=type(exc).__name__)
                self._add(run, "error", {"message": f"the turn failed unexpectedly ({type(exc).__name__}); "
                                                    "check the thread before trying again"})
            if not run.done:
                self._add(run, "run_finished", {"run_id": run.run_id, "outcome": "error"})
        finally:
            try:
                await writer
            finally:
                self._live.pop(run.run_id, None)  # from now on, followers read the stored run

    @staticmethod
    def _add(run: _LiveRun, name: str, data: dict[str, Any]) -> None:
        data = json.loads(json.dumps(data, default=str))  # Decimals in tool arguments become their text
        run.append(ApiEvent(f"{run.run_id}:{len(run.events) + 1}", name, data))

    async def _store(self, run: _LiveRun) -> None:
        """Store the run's events as they come, in batches, off the path to the client: an event
        is sent the moment it exists, and stored a round trip later for anyone who resumes."""
        stored = 0
        try:
            while True:
                while stored == len(run.events):
                    changed = run.changed
                    await changed.wait()
                batch = run.events[stored:]
                async with self._pool.connection() as conn, conn.pipeline():
                    if stored == 0:
                        await conn.execute("INSERT INTO api_runs (run_id, user_id, thread_id) VALUES (%s, %s, %s)",
                                           (run.run_id, run.user_id, run.thread_id))
                    cur = conn.cursor()
                    await cur.executemany("INSERT INTO api_run_events (run_id, seq, event) VALUES (%s, %s, %s)",
                                          [(run.run_id, e.seq, Jsonb({"event": e.event, "data": e.data}))
                                           for e in batch])
                    if batch[-1].event == "run_finished":
                        await conn.execute("UPDATE api_runs SET finished_at = now() WHERE run_id = %s",
                                           (run.run_id,))
                stored += len(batch)
                if run.done and stored == len(run.events):
                    break
            self._started += 1
            if self._started % _CLEANUP_EVERY == 0:
                async with self._pool.connection() as conn:
                    await conn.execute(f"DELETE FROM api_runs WHERE created_at < now() - interval '{_KEPT}'")
        except Exception as exc:  # the database went away: the client saw everything, a resume elsewhere may not
            log.warning("api.run_unstored", run_id=run.run_id, stored=stored, events=len(run.events),
                        error=type(exc).__name__)

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
