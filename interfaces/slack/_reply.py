"""One answer in Slack, streamed: a message posted when MIKEY starts working and
updated in place (``chat.update``) as text arrives, then once more at the end.

Updates are spaced at least ``min_interval_s`` apart (Slack allows chat.update
about once a second per message, Tier 3) and the last text is always written.
Answers are sent as ``markdown_text``: Slack renders MIKEY's markdown (bold,
lists, code, tables) itself, so nothing here translates it to mrkdwn.
"""

from __future__ import annotations

import time

from slack_sdk.web.async_client import AsyncWebClient

THINKING = "_MIKEY is working on it…_"
_MAX_CHARS = 11_000  # markdown_text holds at most 12,000 characters


class StreamedReply:
    def __init__(self, client: AsyncWebClient, channel: str, thread_ts: str | None, *,
                 min_interval_s: float = 1.0) -> None:
        self._client, self._channel, self._thread_ts = client, channel, thread_ts
        self._min_interval_s = min_interval_s
        self._parts: list[tuple[str | None, str]] = []  # (message id, text) in order
        self._ts: str | None = None
        self._shown = ""
        self._last_update = 0.0

    @property
    def ts(self) -> str | None:
        return self._ts

    async def start(self) -> None:
        """Post the placeholder the answer will replace."""
        posted = await self._client.chat_postMessage(channel=self._channel, thread_ts=self._thread_ts,
                                                     markdown_text=THINKING)
        self._ts = str(posted["ts"])
        self._last_update = time.monotonic()

    async def add(self, text: str, message_id: str | None = None) -> None:
        """A chunk of MIKEY's answer (chunks of one message share its id); a new id starts a paragraph."""
        if self._parts and message_id is not None and self._parts[-1][0] == message_id:
            self._parts[-1] = (message_id, self._parts[-1][1] + text)
        else:
            self._parts.append((message_id, text))
        if time.monotonic() - self._last_update >= self._min_interval_s:
            await self._update()

    async def finish(self, empty: str) -> None:
        """Write the whole answer; ``empty`` when there is none (say, only a ticket)."""
        await self._update(final_if_empty=empty)

    def take(self) -> str:
        """The text so far, taken out of this message (it is shown elsewhere instead)."""
        said, self._parts = self.text(), []
        return said

    def text(self) -> str:
        return "\n\n".join(text.strip() for _, text in self._parts if text.strip())

    async def _update(self, final_if_empty: str | None = None) -> None:
        shown = self.text() or final_if_empty or ""
        if len(shown) > _MAX_CHARS:
            shown = shown[:_MAX_CHARS] + "\n\n… (cut: the answer was too long for one Slack message)"
        if not shown or shown == self._shown:
            return
        if self._ts is None:  # not started: the answer is its first text
            posted = await self._client.chat_postMessage(channel=self._channel, thread_ts=self._thread_ts,
                                                         markdown_text=shown)
            self._ts = str(posted["ts"])
        else:
            await self._client.chat_update(channel=self._channel, ts=self._ts, markdown_text=shown)
        self._shown = shown
        self._last_update = time.monotonic()
