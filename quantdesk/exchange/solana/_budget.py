"""Compute budget: a compute-unit limit and a priority fee, as the first two
instructions of a transaction (build, then send: the caller builds with these)."""

from __future__ import annotations

from collections.abc import Iterable

from solders.compute_budget import set_compute_unit_limit, set_compute_unit_price
from solders.instruction import Instruction
from solders.pubkey import Pubkey

from quantdesk.errors import VenueError

COMPUTE_BUDGET_PROGRAM = Pubkey.from_string("ComputeBudget111111111111111111111111111111")
MAX_COMPUTE_UNIT_LIMIT = 1_400_000  # per transaction, Solana's ceiling


def with_compute_budget(instructions: Iterable[Instruction], limit: int,
                        micro_lamports: int) -> list[Instruction]:
    """``instructions`` preceded by SetComputeUnitLimit(``limit``) and
    SetComputeUnitPrice(``micro_lamports`` per compute unit, the priority fee)."""
    body = list(instructions)
    if any(ix.program_id == COMPUTE_BUDGET_PROGRAM for ix in body):
        raise VenueError("the instructions already set a compute budget; a second one makes the transaction fail")
    if not 0 < limit <= MAX_COMPUTE_UNIT_LIMIT:
        raise VenueError(f"compute-unit limit {limit} is outside 1..{MAX_COMPUTE_UNIT_LIMIT}")
    if micro_lamports < 0:
        raise VenueError(f"priority fee {micro_lamports} micro-lamports per compute unit is negative")
    return [set_compute_unit_limit(limit), set_compute_unit_price(micro_lamports), *body]
