"""One supervisor for the processes `quantdesk run` starts (web chat, later the
ingest service and chat API): start them, restart one that dies (with backoff,
a bounded number of times), and stop them all on one Ctrl-C or SIGTERM.

Hand-written rather than supervisord/honcho: it is ~100 lines, runs in-process
so the embedded database's lifetime is tied to it, and needs no config files.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from quantdesk.logs import get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class ServiceSpec:
    """A process to keep running."""

    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    cwd: str | None = None
    max_restarts: int = 3


@dataclass
class _Running:
    spec: ServiceSpec
    proc: subprocess.Popen[bytes]
    restarts: int = 0
    next_start: float | None = None


class Supervisor:
    """Runs services until asked to stop. ``run()`` returns the exit code for the CLI."""

    def __init__(self, specs: list[ServiceSpec], *, on_event: Callable[[str], None] = print,
                 stop_timeout_s: float = 10.0) -> None:
        self._specs = specs
        self._on_event = on_event
        self._stop = threading.Event()
        self._stop_timeout_s = stop_timeout_s

    def request_stop(self, *_args: object) -> None:
        self._stop.set()

    def _spawn(self, spec: ServiceSpec) -> subprocess.Popen[bytes]:
        env = {**os.environ, **spec.env}
        log.info("service.start", service=spec.name, argv=spec.argv[0])
        return subprocess.Popen(spec.argv, env=env, cwd=spec.cwd)

    def run(self) -> int:
        previous = {sig: signal.signal(sig, self.request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        running = [_Running(spec, self._spawn(spec)) for spec in self._specs]
        code = 0
        try:
            while not self._stop.wait(0.2):
                for item in running:
                    if item.next_start is not None:
                        if time.monotonic() >= item.next_start:
                            item.proc, item.next_start = self._spawn(item.spec), None
                        continue
                    rc = item.proc.poll()
                    if rc is None:
                        continue
                    if item.restarts >= item.spec.max_restarts:
                        self._on_event(f"{item.spec.name} exited with code {rc} "
                                       f"{item.restarts + 1} times; stopping everything")
                        code = 1
                        self._stop.set()
                        break
                    delay = 2.0 ** item.restarts
                    item.restarts += 1
                    item.next_start = time.monotonic() + delay
                    self._on_event(f"{item.spec.name} exited with code {rc}; restarting in {delay:.0f}s "
                                   f"(attempt {item.restarts}/{item.spec.max_restarts})")
        finally:
            self._terminate(running)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return code

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
