"""Driving the real web page as a browser does: `quantdesk run` in a subprocess
(embedded Postgres, replayed prices flowing, Chainlit on a free port), sign-in
through its `/login` form, and the page's socket.io endpoint through the real
python-socketio client."""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import socketio

from tests.doubles.loopback import free_port
from tests.quantdesk.cli.cli_helpers import QUANTDESK, cli_env

FIRST_RUN = re.compile(r"web sign-in: user (\S+), password (\S+) \(shown this once")


class QuantdeskRun:
    """`quantdesk run` with its output (stdout and stderr, merged) collected line by line."""

    def __init__(self, data: Path, cwd: Path, **env: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        full_env = cli_env(data, QUANTDESK_WEB_PORT=str(self.port), QUANTDESK_INGEST_PORT=str(free_port()),
                           QUANTDESK_LOG_FORMAT="json", **env)
        self.proc = subprocess.Popen([*QUANTDESK, "run"], env=full_env, cwd=cwd, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self._lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self._lines)

    def wait_until_serving(self, timeout_s: float = 240) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"quantdesk run exited early:\n{self.output}"
            try:
                if httpx.get(f"{self.base}/auth/config", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        raise AssertionError(f"the web page did not answer within {timeout_s}s:\n{self.output}")

    def wait_for_output(self, pattern: str, timeout_s: float = 60) -> re.Match[str]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if found := re.search(pattern, self.output):
                return found
            assert self.proc.poll() is None, f"quantdesk run exited:\n{self.output}"
            time.sleep(0.1)
        raise AssertionError(f"{pattern!r} never appeared in:\n{self.output}")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._reader.join(timeout=10)
        return self.proc.returncode


def sign_in(base: str, name: str, password: str) -> httpx.Response:
    """The page's password form, as the login page posts it."""
    return httpx.post(f"{base}/login", data={"username": name, "password": password}, timeout=30)


def session_token(base: str, name: str, password: str) -> str:
    response = sign_in(base, name, password)
    assert response.status_code == 200, response.text
    return response.cookies["access_token"]


class Page:
    """One browser tab: a socket.io session of the page (Chainlit's own handshake)."""

    def __init__(self, base: str, token: str | None, *, thread_id: str | None = None,
                 origin: str | None = None) -> None:
        self.base, self.token, self.origin = base, token, origin
        self.thread_id = thread_id or str(uuid.uuid4())
        self.session_id = str(uuid.uuid4())
        self.events: list[tuple[str, Any]] = []
        self.sio = socketio.AsyncClient(reconnection=False)
        self.sio.on("*", self._record)

    async def _record(self, event: str, data: Any = None) -> None:
        self.events.append((event, data))

    def _headers(self) -> dict[str, str]:
        headers = {"Origin": self.origin or self.base}
        if self.token is not None:
            headers["Cookie"] = f"access_token={self.token}"
        return headers

    async def open(self, transport: str = "websocket") -> None:
        """Connect and start the chat; raises socketio.exceptions.ConnectionError when refused."""
        await self.sio.connect(self.base, socketio_path="/ws/socket.io", transports=[transport],
                               headers=self._headers(), wait_timeout=15,
                               auth={"sessionId": self.session_id, "threadId": self.thread_id,
                                     "clientType": "webapp", "userEnv": "{}", "chatProfile": None})
        ends = self._count("task_end")
        await self.sio.emit("connection_successful")
        await self._until(lambda: self._count("task_end") > ends, "the chat to start")

    async def say(self, text: str) -> list[str]:
        """Send a message as the page's composer does; the texts of what came back."""
        before, ends = len(self.events), self._count("task_end")
        await self.sio.emit("client_message", {"fileReferences": [], "message": {
            "id": str(uuid.uuid4()), "threadId": self.thread_id, "name": "User", "type": "user_message",
            "output": text, "createdAt": datetime.now(UTC).isoformat()}})
        await self._until(lambda: self._count("task_end") > ends, f"an end to {text!r}")
        return self.texts(since=before)

    async def click(self, action: dict[str, Any]) -> httpx.Response:
        """Press an action button: the page posts it over HTTP with the session's cookie."""
        before = len(self.events)
        async with httpx.AsyncClient(base_url=self.base, timeout=60) as http:
            response = await http.post("/project/action", json={"action": action, "sessionId": self.session_id},
                                       headers=self._headers())
        if response.status_code == 200:
            await self._until(lambda: len(self.events) > before, "the action's answer")
            await asyncio.sleep(0.3)  # the rest of the answer's messages
        return response

    def texts(self, since: int = 0) -> list[str]:
        """Every message's content as last shown (streamed tokens joined), in order of first appearance."""
        shown: dict[str, str] = {}
        for event, data in self.events[since:]:
            if event in ("new_message", "update_message", "stream_start") and isinstance(data, dict):
                shown[data["id"]] = data.get("output", "") or shown.get(data["id"], "")
            elif event == "stream_token":
                shown[data["id"]] = shown.get(data["id"], "") + data["token"]
        return list(shown.values())

    def cards(self) -> list[dict[str, Any]]:
        """The ticket cards shown (public/elements/TicketCard.jsx), each as last updated: its props."""
        shown: dict[str, dict[str, Any]] = {}
        for event, data in self.events:
            if event == "element" and data.get("type") == "custom" and data.get("name") == "TicketCard":
                shown[data["id"]] = data["props"]
        return list(shown.values())

    def actions(self) -> list[dict[str, Any]]:
        """The buttons of the cards that are live (pending), as the card's callAction posts them."""
        return [{"name": name, "payload": {"ticket_hash": card["hash"]}, "id": str(uuid.uuid4())}
                for card in self.cards() if card["status"] == "pending" for name in ("approve", "reject", "refresh")]

    def _count(self, name: str) -> int:
        return sum(1 for event, _ in self.events if event == name)

    async def _until(self, predicate: Any, what: str, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while not predicate():
            assert time.monotonic() < deadline, f"timed out waiting for {what}; events: {self.events[-10:]}"
            await asyncio.sleep(0.05)

    async def close(self) -> None:
        await self.sio.disconnect()
