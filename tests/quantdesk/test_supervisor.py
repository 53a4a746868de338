"""The supervisor restarts a dying service with exponential backoff, gives up only
on a service that keeps crashing within a sliding window, and stops everything on
request. Real child processes; the policy's numbers are small so tests are fast."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

from quantdesk.supervisor import RestartPolicy, ServiceSpec, Supervisor

FAST = RestartPolicy(max_restarts=1, window_s=30, backoff_initial_s=0.05, backoff_max_s=0.05)


def _stop_after(sup_box: list[Supervisor], events: list[str], restarts: int):  # noqa: ANN202
    """on_event that records events and asks the supervisor to stop after `restarts` restarts."""
    def on_event(message: str) -> None:
        events.append(message)
        if sum("restarting in" in e for e in events) >= restarts:
            sup_box[0].request_stop()
    return on_event


def test_a_crash_loop_is_restarted_then_everything_stops() -> None:
    events: list[str] = []
    crash = ServiceSpec("crashy", [sys.executable, "-c", "import sys; sys.exit(3)"])
    steady = ServiceSpec("steady", [sys.executable, "-c", "import time; time.sleep(60)"])
    sup = Supervisor([crash, steady], on_event=events.append, stop_timeout_s=5, policy=FAST)
    started = time.monotonic()
    assert sup.run() == 1
    assert time.monotonic() - started < 30, "the steady service was terminated, not waited for"
    assert events == ["crashy exited with code 3; restarting in 0.05s (restart 1/1 within 30s)",
                      "crashy exited with code 3 2 times within 30s; stopping everything"]


def test_crashes_further_apart_than_the_window_never_stop_the_service() -> None:
    # Up 0.8 s, then a crash: each crash is older than the 0.5 s window by the next one,
    # so every restart starts with a clean count (a lifetime count would stop at the 2nd).
    events: list[str] = []
    box: list[Supervisor] = []
    flaky = ServiceSpec("flaky", [sys.executable, "-c", "import sys, time; time.sleep(0.8); sys.exit(3)"])
    policy = RestartPolicy(max_restarts=1, window_s=0.5, backoff_initial_s=0.05, backoff_max_s=1)
    box.append(Supervisor([flaky], on_event=_stop_after(box, events, 4), stop_timeout_s=5, policy=policy))
    assert box[0].run() == 0
    assert events == ["flaky exited with code 3; restarting in 0.05s (restart 1/1 within 0.5s)"] * 4


def test_restarts_back_off_exponentially_up_to_the_cap(tmp_path: Path) -> None:
    starts = tmp_path / "starts"
    code = f"import sys, time; open({str(starts)!r}, 'a').write(f'{{time.monotonic()}}\\n'); sys.exit(4)"
    events: list[str] = []
    box: list[Supervisor] = []
    policy = RestartPolicy(max_restarts=10, window_s=60, backoff_initial_s=0.1, backoff_max_s=0.4)
    box.append(Supervisor([ServiceSpec("crashy", [sys.executable, "-c", code])],
                          on_event=_stop_after(box, events, 5), stop_timeout_s=5, policy=policy))
    assert box[0].run() == 0
    delays = [float(e.split("restarting in ")[1].split("s ")[0]) for e in events]
    assert delays == [0.1, 0.2, 0.4, 0.4, 0.4]
    times = [float(line) for line in starts.read_text().split()]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert len(gaps) >= 4 and all(gap >= delay for gap, delay in zip(gaps, delays, strict=False)), (gaps, delays)


def test_stop_request_terminates_running_services_and_returns_zero() -> None:
    steady = ServiceSpec("steady", [sys.executable, "-c", "import time; time.sleep(60)"])
    sup = Supervisor([steady], on_event=lambda _m: None, stop_timeout_s=5)
    threading.Timer(0.5, sup.request_stop).start()
    started = time.monotonic()
    # run() installs signal handlers, which only the main thread may do: run it here.
    assert sup.run() == 0
    assert time.monotonic() - started < 10
