"""The Hermes source: Pyth's HTTP API, latest prices and the SSE stream.

Written on httpx + httpx-sse rather than a Hermes client library: pythclient's
``HermesClient`` has no API key, no SSE (v1 websockets only), no 429 handling and
turns prices into floats; the third-party ``pyth-hermes`` is a one-author 0.1
package whose retry policy would sit under ours. What we need from Hermes is two
GET endpoints, so we keep the protocol here, in full view and under test.

Behaviour:
* API key: sent as ``Authorization: Bearer <key>`` when configured; a 401/403 is a
  permanent :class:`SourceAuthError` (the breaker opens at once).
* Rate limits: at most 30 requests per 10 s leave this client (Hermes' public
  limit); a 429 becomes :class:`RateLimited` with the server's ``Retry-After``
  (Hermes bans for 60 s when it says nothing).
* Stream: malformed events and events with feed ids we did not ask for are
  dropped and counted, not fatal. Each feed's last publish time is remembered
  across sessions, so a reconnect never yields a tick twice.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncGenerator, Sequence
from email.utils import parsedate_to_datetime

import httpx
from httpx_sse import SSEError, aconnect_sse
from pydantic import SecretStr

from quantdesk.logs import get_logger
from quantdesk.market._errors import DecodeError, RateLimited, SourceAuthError, SourceError
from quantdesk.market._hermes_parse import parse_price_update_json
from quantdesk.market._registry import Feed
from quantdesk.market._types import PriceUpdate
from quantdesk.masking import mask_url

__all__ = ["HermesSource"]

log = get_logger(__name__)

LATEST_PATH = "/v2/updates/price/latest"
STREAM_PATH = "/v2/updates/price/stream"
_DEFAULT_BAN_S = 60.0  # Hermes: "429 ... for the subsequent 60-second period"


def _retry_after_s(response: httpx.Response) -> float:
    raw = response.headers.get("retry-after")
    if raw is None:
        return _DEFAULT_BAN_S
    raw = raw.strip()
    if raw.isdigit():
        return float(raw)
    try:
        return max(0.0, parsedate_to_datetime(raw).timestamp() - time.time())
    except (TypeError, ValueError):
        return _DEFAULT_BAN_S


class HermesSource:
    """Prices from a Hermes server (``hermes_url``)."""

    name = "hermes"
    live = True

    def __init__(
        self,
        *,
        base_url: str,
        feeds: Sequence[Feed],
        api_key: SecretStr | None = None,
        read_timeout_s: float = 30.0,
        max_requests: int = 30,
        per_seconds: float = 10.0,
    ) -> None:
        if not feeds:
            raise ValueError("HermesSource needs at least one feed")
        self._base_url = base_url.rstrip("/")
        self._shown_url = mask_url(self._base_url)  # for descriptions, errors and logs: no ?api-key=
        self._feeds = {f.feed_id: f for f in feeds}
        self._api_key = api_key
        # Hermes sends a keep-alive comment every 15 s, so a silent socket for longer than this is dead.
        self._timeout = httpx.Timeout(10.0, read=read_timeout_s)
        self._max_requests = max_requests
        self._per_seconds = per_seconds
        self._sent: deque[float] = deque()
        self._client: httpx.AsyncClient | None = None
        self._last_publish: dict[str, int] = {}
        self._stats = {"events": 0, "malformed": 0, "unknown_feed": 0, "duplicates": 0, "error_events": 0,
                       "sessions": 0}

    @property
    def description(self) -> str:
        return f"Pyth Hermes SSE stream at {self._shown_url}"

    def stats(self) -> dict[str, int]:
        return dict(self._stats)

    def _headers(self, *, stream: bool) -> dict[str, str]:
        headers = {"Accept": "text/event-stream" if stream else "application/json"}
        if self._api_key is not None and self._api_key.get_secret_value():
            headers["Authorization"] = f"Bearer {self._api_key.get_secret_value()}"
        return headers

    def _params(self) -> list[tuple[str, str | int | float | bool | None]]:  # httpx's own param type
        params: list[tuple[str, str | int | float | bool | None]] = [("ids[]", fid) for fid in self._feeds]
        return params + [("parsed", "true"), ("encoding", "base64")]

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(base_url=self._base_url, timeout=self._timeout)
        return self._client

    async def _pace(self) -> None:
        """Wait until sending one more request stays within max_requests per per_seconds."""
        now = time.monotonic()
        while self._sent and now - self._sent[0] >= self._per_seconds:
            self._sent.popleft()
        if len(self._sent) >= self._max_requests:
            wait = self._per_seconds - (now - self._sent[0])
            log.info("hermes.pacing", wait_s=round(wait, 3))
            await asyncio.sleep(wait)
            self._sent.popleft()
        self._sent.append(time.monotonic())

    async def _raise_for_status(self, response: httpx.Response) -> None:
        if response.status_code < 400:
            return
        await response.aread()
        text = response.text.strip()[:300]
        where = f"Hermes at {self._shown_url}"
        code = response.status_code
        if code in (401, 403):
            hint = ("no API key is configured: set QUANTDESK_HERMES_API_KEY" if "Authorization" not in
                    response.request.headers else "the configured QUANTDESK_HERMES_API_KEY was rejected")
            raise SourceAuthError(f"{where} refused the request ({code}): {hint}")
        if code == 429:
            wait = _retry_after_s(response)
            raise RateLimited(f"{where} is rate limiting us (429); retrying after {wait:.0f}s", retry_after_s=wait)
        if code in (400, 404):
            # Unknown or malformed feed ids: a configuration problem, not worth fast retries.
            raise SourceError(f"{where} rejected the feed list ({code}): {text}", permanent=True)
        raise SourceError(f"{where} answered {code}: {text}")

    def _accept(self, update: PriceUpdate) -> bool:
        if update.feed_id not in self._feeds:
            self._stats["unknown_feed"] += 1
            log.warning("hermes.unknown_feed", feed_id=update.feed_id)
            return False
        if update.publish_time <= self._last_publish.get(update.feed_id, -1):
            self._stats["duplicates"] += 1
            return False
        self._last_publish[update.feed_id] = update.publish_time
        return True

    async def latest(self) -> list[PriceUpdate]:
        """The latest price of every feed (``GET /v2/updates/price/latest``)."""
        await self._pace()
        try:
            response = await self._http().get(LATEST_PATH, params=self._params(), headers=self._headers(stream=False))
            await self._raise_for_status(response)
            updates = parse_price_update_json(response.text)
        except httpx.HTTPError as exc:
            raise SourceError(f"Hermes at {self._shown_url} unreachable: "
                              f"{type(exc).__name__}: {mask_url(str(exc))}") from exc
        except DecodeError as exc:
            raise SourceError(f"Hermes at {self._shown_url} sent an unreadable body: {exc}") from exc
        return [u for u in updates if u.feed_id in self._feeds]

    async def session(self) -> AsyncGenerator[PriceUpdate, None]:
        """One SSE connection's updates, deduplicated against every earlier session."""
        await self._pace()
        self._stats["sessions"] += 1
        try:
            async with aconnect_sse(self._http(), "GET", STREAM_PATH, params=self._params(),
                                    headers=self._headers(stream=True)) as events:
                await self._raise_for_status(events.response)
                async for event in events.aiter_sse():
                    if event.event == "error":
                        self._stats["error_events"] += 1
                        log.warning("hermes.error_event", data=event.data[:200])
                        continue
                    if not event.data:
                        continue
                    self._stats["events"] += 1
                    try:
                        updates = parse_price_update_json(event.data)
                    except DecodeError as exc:
                        self._stats["malformed"] += 1
                        log.warning("hermes.malformed_event", error=str(exc))
                        continue
                    for update in updates:
                        if self._accept(update):
                            yield update
        except (httpx.HTTPError, SSEError) as exc:
            raise SourceError(f"Hermes stream at {self._shown_url} failed: "
                              f"{type(exc).__name__}: {mask_url(str(exc))}") from exc

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
