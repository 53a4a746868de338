"""The supervisor restarts a dying service a bounded number of times and stops
everything on request."""

from __future__ import annotations

import sys
import threading
import time

from quantdesk.supervisor import ServiceSpec, Supervisor


def test_a_crashing_service_is_restarted_then_everything_stops() -> None:
    events: list[str] = []
    crash = ServiceSpec("crashy", [sys.executable, "-c", "import sys; sys.exit(3)"], max_restarts=1)
    steady = ServiceSpec("steady", [sys.executable, "-c", "import time; time.sleep(60)"])
    sup = Supervisor([crash, steady], on_event=events.append, stop_timeout_s=5)
    started = time.monotonic()
    assert sup.run() == 1
    assert time.monotonic() - started < 30, "the steady service was terminated, not waited for"
    assert events[0] == "crashy exited with code 3; restarting in 1s (attempt 1/1)"
    assert events[-1] == "crashy exited with code 3 2 times; stopping everything"


def test_stop_request_terminates_running_services_and_returns_zero() -> None:
    steady = ServiceSpec("steady", [sys.executable, "-c", "import time; time.sleep(60)"])
    sup = Supervisor([steady], on_event=lambda _m: None, stop_timeout_s=5)
    threading.Timer(0.5, sup.request_stop).start()
    started = time.monotonic()
    # run() installs signal handlers, which only the main thread may do: run it here.
    assert sup.run() == 0
    assert time.monotonic() - started < 10
