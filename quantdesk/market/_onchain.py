"""The on-chain source: Pyth price accounts read through Solana RPC.

Polls ``getMultipleAccounts`` (one request for every feed) and decodes each
account by its own layout (``PriceUpdateV2`` or legacy push). Polling rather than
``accountSubscribe``: Pyth's sponsored feeds update about once a minute or on a
0.5 % move, so a 1 s poll is as fresh as a subscription and survives RPC nodes
that drop websockets.

Plain JSON-RPC over httpx, not solana-py's ``AsyncClient``: with the pinned
solana 0.36.6 / solders 0.26.0, a JSON-RPC error object without a ``data``
member (valid per JSON-RPC, and what many RPC errors look like) makes solders'
response parser *panic* (``pyo3_runtime.PanicException``, a BaseException) — it
would kill the ingest task instead of opening the breaker. One method is all we
call, so we parse its response ourselves, with pydantic, and map errors exactly.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import itertools
from collections.abc import AsyncGenerator, Mapping
from typing import Any

import httpx
from pydantic import BaseModel, ValidationError
from solders.pubkey import Pubkey

from quantdesk.logs import get_logger
from quantdesk.market._errors import DecodeError, RateLimited, SourceError
from quantdesk.market._pyth_accounts import decode_price_account
from quantdesk.market._registry import Feed
from quantdesk.market._types import PriceUpdate
from quantdesk.masking import mask_url

__all__ = ["OnchainSource"]

log = get_logger(__name__)


class _Account(BaseModel):
    data: tuple[str, str]


class _Context(BaseModel):
    slot: int


class _Result(BaseModel):
    context: _Context
    value: list[_Account | None]


class _Error(BaseModel):
    code: int
    message: str
    data: Any = None


class _Response(BaseModel):
    result: _Result | None = None
    error: _Error | None = None


class OnchainSource:
    """Prices from Pyth accounts at ``rpc_url``, one account per feed."""

    name = "onchain"
    live = True

    def __init__(self, *, rpc_url: str, accounts: Mapping[Feed, str], poll_interval_s: float = 1.0) -> None:
        if not accounts:
            raise ValueError("OnchainSource needs at least one feed with a price account")
        self._rpc_url = rpc_url
        self._shown_url = mask_url(rpc_url)  # for descriptions, errors and logs: no user:pass@ or ?api-key=
        self._accounts = list(accounts.items())
        # Validate every address now (a typo fails at start-up, not on the first poll).
        self._keys = [str(Pubkey.from_string(address)) for _, address in self._accounts]
        self._ids = itertools.count(1)
        self._poll_interval_s = poll_interval_s
        self._last_publish: dict[str, int] = {}
        self._stats = {"polls": 0, "missing_account": 0, "undecodable": 0, "duplicates": 0}

    @property
    def description(self) -> str:
        return f"Pyth price accounts via Solana RPC at {self._shown_url}"

    def stats(self) -> dict[str, int]:
        return dict(self._stats)

    async def _fetch(self, client: httpx.AsyncClient) -> tuple[int, list[bytes | None]]:
        where = f"Solana RPC at {self._shown_url}"
        request = {"jsonrpc": "2.0", "id": next(self._ids), "method": "getMultipleAccounts",
                   "params": [self._keys, {"encoding": "base64", "commitment": "confirmed"}]}
        try:
            response = await client.post(self._rpc_url, json=request)
        except httpx.HTTPError as exc:
            raise SourceError(f"{where} unreachable: {type(exc).__name__}: {mask_url(str(exc))}") from exc
        if response.status_code == 429:
            raw = response.headers.get("retry-after", "").strip()
            raise RateLimited(f"{where} is rate limiting us (429)", retry_after_s=float(raw) if raw.isdigit() else 10.0)
        if response.status_code >= 400:
            raise SourceError(f"{where} answered {response.status_code}: {response.text.strip()[:200]}")
        try:
            body = _Response.model_validate_json(response.content)
        except ValidationError as exc:
            why = exc.errors()[0]["msg"]
            raise SourceError(f"{where} sent an unreadable getMultipleAccounts response: {why}") from None
        if body.error is not None:
            raise SourceError(f"{where} returned an error {body.error.code}: {body.error.message}")
        if body.result is None or len(body.result.value) != len(self._keys):
            raise SourceError(f"{where} returned {0 if body.result is None else len(body.result.value)} accounts "
                              f"for {len(self._keys)} requested")
        datas: list[bytes | None] = []
        for account in body.result.value:
            if account is None:
                datas.append(None)
                continue
            text, encoding = account.data
            if encoding != "base64":
                raise SourceError(f"{where} sent account data as {encoding!r}, not base64")
            try:
                datas.append(base64.b64decode(text, validate=True))
            except binascii.Error as exc:
                raise SourceError(f"{where} sent invalid base64 account data: {exc}") from None
        return body.result.context.slot, datas

    def _decode(self, feed: Feed, address: str, data: bytes | None, slot: int) -> PriceUpdate | None:
        if data is None:
            self._stats["missing_account"] += 1
            log.warning("onchain.missing_account", symbol=feed.symbol, account=address)
            return None
        try:
            update = decode_price_account(data, address=address, feed_id=feed.feed_id, current_slot=slot)
        except DecodeError as exc:
            self._stats["undecodable"] += 1
            log.error("onchain.undecodable", symbol=feed.symbol, account=address, error=str(exc))
            return None
        if update.publish_time <= self._last_publish.get(feed.feed_id, -1):
            self._stats["duplicates"] += 1
            return None
        self._last_publish[feed.feed_id] = update.publish_time
        return update

    async def session(self) -> AsyncGenerator[PriceUpdate, None]:
        async with httpx.AsyncClient(timeout=10.0) as client:
            while True:
                slot, datas = await self._fetch(client)
                self._stats["polls"] += 1
                if all(d is None for d in datas):
                    raise SourceError(f"none of the {len(datas)} price accounts exist at {self._shown_url} "
                                      "(wrong cluster?)", permanent=True)
                for (feed, address), data in zip(self._accounts, datas, strict=True):
                    update = self._decode(feed, address, data, slot)
                    if update is not None:
                        yield update
                await asyncio.sleep(self._poll_interval_s)

    async def aclose(self) -> None:
        return None
