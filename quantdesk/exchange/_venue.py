"""One Venue interface for where signed transactions go: ``paper`` (the local
executor) or ``solana`` (a cluster over JSON-RPC). Callers build and sign
transactions themselves (build, then send); a venue only simulates, submits,
reports status and reads the exchange's state.

Semantics both implementations keep:
- ``simulate`` never changes anything; with ``sig_verify=False`` an unsigned
  message (zeroed signatures) can be simulated, as tickets need before approval.
- ``submit`` returns once the transaction has a final result, or raises
  :class:`TransactionRejected` when it never landed (bad signature, expired
  blockhash, replay, preflight failure) or :class:`SubmitTimeout` when the result
  is unknown by the deadline (the caller must check before resending anything).
- A failed-but-landed transaction is a ``VenueResult`` with ``ok=False`` and the
  program's error.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from solders.hash import Hash
from solders.instruction import Instruction
from solders.pubkey import Pubkey

from quantdesk.engine import State
from quantdesk.errors import VenueError


class SubmitTimeout(VenueError):
    """No final result before the deadline; the transaction may still land."""


@dataclass(frozen=True)
class RecentBlockhash:
    blockhash: Hash
    last_valid_slot: int


@dataclass(frozen=True)
class VenueResult:
    """What a transaction did (or would do, when simulated)."""

    signature: str
    ok: bool
    error_code: int | None
    error_name: str | None
    error_message: str | None
    events: tuple[dict[str, Any], ...]
    logs: tuple[str, ...]
    slot: int | None = None


class Venue(Protocol):
    name: str

    def with_compute_budget(self, instructions: Iterable[Instruction]) -> list[Instruction]:
        """The instructions with the venue's compute-unit limit and priority fee in front."""
        ...

    async def latest_blockhash(self) -> RecentBlockhash: ...

    async def simulate(self, raw: bytes, *, sig_verify: bool = True) -> VenueResult: ...

    async def submit(self, raw: bytes) -> VenueResult: ...

    async def status(self, signature: str) -> VenueResult | None: ...

    async def read_state(self) -> State: ...

    async def read_state_for(self, owners: Sequence[Pubkey]) -> State:
        """The exchange, its markets, and only these owners' accounts and open orders."""
        ...


class PaperVenue:
    """The local executor behind the Venue interface (its work runs in a thread)."""

    name = "paper"

    def __init__(self, executor: Any, *, compute_unit_limit: int = 300_000,
                 priority_fee_micro_lamports: int = 1_000) -> None:  # executor: PaperExecutor
        self.executor = executor
        self._budget = (compute_unit_limit, priority_fee_micro_lamports)

    def with_compute_budget(self, instructions: Iterable[Instruction]) -> list[Instruction]:
        # The same budget instructions a cluster gets, so paper messages have the live shape;
        # the executor accepts and ignores them.
        from quantdesk.exchange.solana import with_compute_budget

        return with_compute_budget(instructions, *self._budget)

    async def latest_blockhash(self) -> RecentBlockhash:
        issued = await asyncio.to_thread(self.executor.latest_blockhash)
        return RecentBlockhash(issued.blockhash, issued.last_valid_slot)

    async def simulate(self, raw: bytes, *, sig_verify: bool = True) -> VenueResult:
        return _result(await asyncio.to_thread(self.executor.simulate, raw, sig_verify=sig_verify))

    async def submit(self, raw: bytes) -> VenueResult:
        return _result(await asyncio.to_thread(self.executor.submit, raw))

    async def status(self, signature: str) -> VenueResult | None:
        status = await asyncio.to_thread(self.executor.status, signature)
        if status is None:
            return None
        return VenueResult(signature, status.ok, None, None, status.error, (), tuple(status.logs), status.slot)

    async def read_state(self) -> State:
        """Every trader (the paper venue can list them; tests and compatibility only)."""
        return await asyncio.to_thread(self.executor.state)

    async def read_state_for(self, owners: Sequence[Pubkey]) -> State:
        return await asyncio.to_thread(self.executor.account_state, *owners)


def _result(outcome: Any) -> VenueResult:
    failure = outcome.failure
    return VenueResult(
        signature=outcome.signature, ok=outcome.ok,
        error_code=None if failure is None else failure.code,
        error_name=None if failure is None else failure.name,
        error_message=None if failure is None else failure.message,
        events=outcome.events, logs=outcome.logs, slot=outcome.slot,
    )
