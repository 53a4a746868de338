"""The price-source interface. Three implementations: ``hermes`` (Pyth's HTTP
API, streaming), ``onchain`` (Pyth accounts through Solana RPC) and ``replay``
(recorded candles, in-process, the embedded default)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Protocol

from quantdesk.market._types import PriceUpdate

__all__ = ["PriceSource"]


class PriceSource(Protocol):
    """A source of :class:`PriceUpdate`.

    ``session()`` is one connection's worth of updates: it yields until the
    connection ends and raises :class:`~quantdesk.market.SourceError` when it
    fails. Retrying is not its job (see :func:`~quantdesk.market.resilient_updates`),
    but it remembers what it delivered, so a new session never repeats a
    (feed, publish_time) an earlier one yielded.
    """

    @property
    def name(self) -> str:
        """The source kind: "hermes", "onchain" or "replay"."""

    @property
    def description(self) -> str:
        """Where the prices come from, for people (status pages)."""

    @property
    def live(self) -> bool:
        """True if a session that ends should be reopened; False if the data simply ran out."""

    # A generator, not any iterator: callers close it (contextlib.aclosing) when they stop early.
    def session(self) -> AsyncGenerator[PriceUpdate, None]: ...

    def stats(self) -> dict[str, int]:
        """Counters of what the source dropped and why (malformed, unknown feed, duplicate...)."""

    async def aclose(self) -> None: ...
