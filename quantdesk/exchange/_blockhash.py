"""Recent blockhashes for the paper venue, issued and checked like a cluster's.

Slots tick every 400 ms from a fixed genesis; each slot that someone asks for a
blockhash gets one random 32-byte hash, stored in Postgres so every process
using the venue agrees. A transaction's blockhash is valid while its slot is at
most ``MAX_AGE_SLOTS`` (150, ~60 s) behind the current slot, as on Solana.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from psycopg_pool import ConnectionPool
from solders.hash import Hash

SLOT_MS = 400
MAX_AGE_SLOTS = 150
GENESIS = datetime(2026, 1, 1, tzinfo=UTC)


def slot_at(now: datetime) -> int:
    return int((now - GENESIS).total_seconds() * 1000) // SLOT_MS


@dataclass(frozen=True)
class IssuedBlockhash:
    blockhash: Hash
    slot: int
    last_valid_slot: int


class BlockhashIssuer:
    def __init__(self, pool: ConnectionPool) -> None:
        self._pool = pool
        self._last: IssuedBlockhash | None = None  # a slot's blockhash never changes once issued

    def latest(self, now: datetime) -> IssuedBlockhash:
        """The blockhash of the current slot (issued on first request)."""
        slot = slot_at(now)
        last = self._last
        if last is not None and last.slot == slot:
            return last
        candidate = str(Hash(secrets.token_bytes(32)))
        with self._pool.connection() as conn:
            # Two processes racing for the same slot: the first insert wins, both read it back.
            conn.execute(
                "INSERT INTO paper_blockhashes (blockhash, slot, issued_at) VALUES (%s, %s, %s) "
                "ON CONFLICT (slot) DO NOTHING", (candidate, slot, now),
            )
            row = conn.execute("SELECT blockhash FROM paper_blockhashes WHERE slot = %s", (slot,)).fetchone()
        assert row is not None
        self._last = IssuedBlockhash(Hash.from_string(row[0]), slot, slot + MAX_AGE_SLOTS)
        return self._last

    def age_in_slots(self, blockhash: Hash, now: datetime) -> int | None:
        """How many slots old ``blockhash`` is, or None if this venue never issued it."""
        with self._pool.connection() as conn:
            row = conn.execute("SELECT slot FROM paper_blockhashes WHERE blockhash = %s", (str(blockhash),)).fetchone()
        return None if row is None else slot_at(now) - int(row[0])

    def prune(self, now: datetime) -> int:
        """Forget blockhashes far past validity (keeps the table small)."""
        with self._pool.connection() as conn:
            cur = conn.execute("DELETE FROM paper_blockhashes WHERE slot < %s", (slot_at(now) - 10 * MAX_AGE_SLOTS,))
            return cur.rowcount
