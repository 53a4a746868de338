"""Paper venue blockhashes behave like a cluster's: one per slot, valid ~150 slots."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from solders.hash import Hash

from quantdesk.db import Database
from quantdesk.exchange import MAX_AGE_SLOTS, SLOT_MS, BlockhashIssuer

T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def test_one_blockhash_per_slot_and_a_new_one_the_next_slot(database: Database) -> None:
    issuer = BlockhashIssuer(database.pool)
    first = issuer.latest(T0)
    same = issuer.latest(T0)
    assert same.blockhash == first.blockhash
    later = issuer.latest(T0 + timedelta(milliseconds=SLOT_MS))
    assert later.slot == first.slot + 1 and later.blockhash != first.blockhash
    assert first.last_valid_slot == first.slot + MAX_AGE_SLOTS


def test_age_counts_slots_and_unknown_hashes_are_none(database: Database) -> None:
    issuer = BlockhashIssuer(database.pool)
    issued = issuer.latest(T0 + timedelta(hours=1))
    assert issuer.age_in_slots(issued.blockhash, T0 + timedelta(hours=1)) == 0
    assert issuer.age_in_slots(issued.blockhash, T0 + timedelta(hours=1, seconds=60)) == 150
    assert issuer.age_in_slots(Hash.new_unique(), T0) is None


def test_concurrent_requests_in_one_slot_agree(database: Database) -> None:
    issuer = BlockhashIssuer(database.pool)
    when = T0 + timedelta(hours=2)
    seen: list[Hash] = []
    barrier = threading.Barrier(5)

    def ask() -> None:
        barrier.wait()
        seen.append(issuer.latest(when).blockhash)

    threads = [threading.Thread(target=ask) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(seen) == 5 and len(set(seen)) == 1
