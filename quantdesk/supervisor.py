"""One supervisor for the processes `quantdesk run` starts (ingest, alerts,
keepers, web chat): start them, restart one that dies (with exponential backoff),
stop everything when one keeps crashing, and stop them all on one Ctrl-C, SIGTERM
or SIGHUP.

A service is given up on only when it crashes more than ``max_restarts`` times
within a sliding ``window_s``: crashes older than the window are forgotten, so a
service that stayed up for a while starts again with a clean count (and the
shortest backoff).

Hand-written rather than supervisord/honcho: it is ~150 lines, runs in-process
so the embedded database's lifetime is tied to it, and needs no config files.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from quantdesk.logs import get_logger

log = get_logger(__name__)

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@dataclass(frozen=True)
class ServiceSpec:
    """A process to keep running."""

    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    cwd: str | None = None


@dataclass(frozen=True)
class RestartPolicy:
    """When to restart a crashed service and when to give up on it."""

    # Restarts allowed within window_s; one more crash stops everything. With the backoff that is
    # 1+2+4+8+16 s: enough to ride out the embedded database being restarted on a busy machine.
    max_restarts: int = 5
    window_s: float = 120.0
    backoff_initial_s: float = 1.0  # doubled per crash still in the window ...
    backoff_max_s: float = 30.0  # ... up to this

    def backoff_s(self, crashes_in_window: int) -> float:
        return min(self.backoff_max_s, self.backoff_initial_s * 2.0 ** max(0, crashes_in_window - 1))


@dataclass
class _Running:
    spec: ServiceSpec
    proc: subprocess.Popen[bytes]
    crashes: deque[float] = field(default_factory=deque)  # monotonic times of crashes within the window
    next_start: float | None = None


class Supervisor:
    """Runs services until asked to stop. ``run()`` returns the exit code for the CLI."""

    def __init__(self, specs: list[ServiceSpec], *, on_event: Callable[[str], None] = print,
                 stop_timeout_s: float = 10.0, policy: RestartPolicy | None = None,
                 on_tick: Callable[[], None] | None = None) -> None:
        """``on_tick`` runs on every loop turn (~5 times a second) in this thread, e.g. to
        keep the embedded database up while the services run."""
        self._specs = specs
        self._on_event = on_event
        self._stop = threading.Event()
        self._stop_timeout_s = stop_timeout_s
        self._policy = policy or RestartPolicy()
        self._on_tick = on_tick

    def request_stop(self, *_args: object) -> None:
        self._stop.set()

    def _spawn(self, spec: ServiceSpec) -> subprocess.Popen[bytes]:
        env = {**os.environ, **spec.env}
        log.info("service.start", service=spec.name, argv=spec.argv[0])
        return subprocess.Popen(spec.argv, env=env, cwd=spec.cwd)

    def run(self) -> int:
        # A SIGHUP ignored by whoever started us (nohup) stays ignored.
        previous = {sig: signal.signal(sig, self.request_stop) for sig in _STOP_SIGNALS
                    if sig != signal.SIGHUP or signal.getsignal(sig) is not signal.SIG_IGN}
        running: list[_Running] = []
        code = 0
        try:
            running = [_Running(spec, self._spawn(spec)) for spec in self._specs]
            while not self._stop.wait(0.2):
                if self._on_tick is not None:
                    self._on_tick()
                for item in running:
                    if not self._check(item):
                        code = 1
                        self._stop.set()
                        break
        finally:
            self._terminate(running)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return code

    def _check(self, item: _Running) -> bool:
        """Start a due restart, or notice a crash and schedule one. False: give up on everything."""
        now = time.monotonic()
        if item.next_start is not None:
            if now >= item.next_start:
                item.proc, item.next_start = self._spawn(item.spec), None
            return True
        rc = item.proc.poll()
        if rc is None:
            return True
        policy = self._policy
        while item.crashes and now - item.crashes[0] > policy.window_s:
            item.crashes.popleft()
        item.crashes.append(now)
        crashes = len(item.crashes)
        window = f"{policy.window_s:g}s"
        if crashes > policy.max_restarts:
            self._on_event(f"{item.spec.name} exited with code {rc} {crashes} times within {window}; "
                           "stopping everything")
            return False
        delay = policy.backoff_s(crashes)
        item.next_start = now + delay
        self._on_event(f"{item.spec.name} exited with code {rc}; restarting in {delay:g}s "
                       f"(restart {crashes}/{policy.max_restarts} within {window})")
        return True

    def _terminate(self, running: list[_Running]) -> None:
        live = [r.proc for r in running if r.next_start is None and r.proc.poll() is None]
        for proc in live:
            proc.terminate()
        deadline = time.monotonic() + self._stop_timeout_s
        for proc in live:
            try:
                proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
