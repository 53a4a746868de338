"""JSON-RPC calls through solana-py's ``AsyncClient``, with every failure as a VenueError.

Why not ``AsyncClient.get_latest_blockhash()`` and friends: with solana 0.36.6 /
solders 0.26.0 the typed response parsers *panic* (pyo3 ``PanicException``, a
``BaseException`` that sails past ``except Exception``) on a JSON-RPC error object
without a ``data`` field — and real nodes send exactly those (-32003 signature
verification failure, -32005 node behind without details, proxies' own errors).
So every call takes AsyncClient's raw path (``make_request_unparsed``: the same
request bodies and HTTP session AsyncClient uses), we look at the envelope
ourselves, raise :class:`RpcError` for any error object, and only hand a
successful ``result`` to the solders parser. That parse is still guarded: a panic
there (a malformed result) becomes :class:`RpcUnavailable` at this boundary.
"""

from __future__ import annotations

import itertools
import json
from typing import Any, Protocol, TypeVar

import httpx
from solana.rpc.async_api import AsyncClient
from solana.rpc.commitment import Commitment
from solders.rpc.requests import Body

from quantdesk.exchange.solana._errors import RpcError, RpcUnavailable
from quantdesk.masking import mask_url


class _Parser(Protocol):  # the solders response classes
    @staticmethod
    def from_json(raw: str) -> object: ...


P = TypeVar("P", bound=_Parser)


class Rpc:
    """One RPC endpoint. ``call`` returns the solders-typed response and the raw ``result``."""

    def __init__(self, url: str, *, commitment: str, timeout_s: float) -> None:
        self.url = url
        self._client = AsyncClient(url, commitment=Commitment(commitment), timeout=timeout_s)
        self._ids = itertools.count(1)

    def next_id(self) -> int:
        return next(self._ids)

    async def call(self, body: Body, parser: type[P]) -> tuple[P, Any]:
        method = _method(body)
        try:
            # AsyncClient's raw path; see the module docstring for why not its typed methods.
            text = await self._client._provider.make_request_unparsed(body)
        except httpx.HTTPStatusError as exc:
            raise RpcUnavailable(method, f"HTTP {exc.response.status_code}") from None
        except httpx.HTTPError as exc:
            # httpx quotes the request URL in some errors; the endpoint's ?api-key= must not reach a message.
            raise RpcUnavailable(method, f"{type(exc).__name__}: {mask_url(str(exc))}" if str(exc)
                                 else type(exc).__name__) from None
        try:
            envelope = json.loads(text)
        except ValueError:
            raise RpcUnavailable(method, "the response is not JSON") from None
        if not isinstance(envelope, dict):
            raise RpcUnavailable(method, "the response is not a JSON-RPC object")
        error = envelope.get("error")
        if error is not None:
            if not isinstance(error, dict):
                raise RpcUnavailable(method, f"malformed error object {error!r}")
            raise RpcError(method, _int(error.get("code")), str(error.get("message", "")), error.get("data"))
        if "result" not in envelope:
            raise RpcUnavailable(method, "the response has neither result nor error")
        return parse_guarded(parser, text, method), envelope["result"]

    async def close(self) -> None:
        await self._client.close()


def parse_guarded(parser: type[P], text: str, method: str) -> P:
    """``parser.from_json(text)``, with solders' parse errors and panics turned into RpcUnavailable."""
    try:
        parsed = parser.from_json(text)
    except Exception as exc:  # solders raises its own SerdeJSONError / ValueError for shapes it rejects
        raise RpcUnavailable(method, f"the response does not parse ({exc})") from None
    except BaseException as exc:
        # pyo3's PanicException derives from BaseException and its module is not importable.
        if type(exc).__name__ != "PanicException":
            raise
        raise RpcUnavailable(method, f"the response made the parser panic ({exc})") from None
    # from_json answers an RPC error object in place of the result it was asked for; call() has
    # already turned error envelopes into RpcError, so here one would be a malformed response.
    if not isinstance(parsed, parser):
        raise RpcUnavailable(method, f"the response is not a {parser.__name__}")
    return parsed


_VERSIONED = {"SimulateVersionedTransaction": "simulateTransaction", "SendVersionedTransaction": "sendTransaction"}


def _method(body: Body) -> str:
    """The JSON-RPC method name of a solders request (GetBlockHeight -> getBlockHeight)."""
    name = type(body).__name__
    return _VERSIONED.get(name) or name[:1].lower() + name[1:]


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
