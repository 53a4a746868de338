"""One turn at a time per conversation across processes: two TurnLocks (as two
processes have, each on its own connection) on one database."""

from __future__ import annotations

import asyncio
import time

import pytest

from quantdesk.db import Database, DatabaseUnavailable, ThreadBusy, TurnLocks


async def test_a_second_process_waits_for_the_threads_turn_then_takes_it(database: Database) -> None:
    one, two = TurnLocks(database.url, wait_s=30), TurnLocks(database.url, wait_s=30)
    order: list[str] = []
    try:
        async with one.hold("t-shared"):
            order.append("one starts")
            waiting = asyncio.create_task(_turn(two, "t-shared", order, "two"))
            await asyncio.sleep(0.5)
            assert not waiting.done()  # queued behind one's turn
            async with two.hold("t-other"):  # another thread is not held up
                order.append("other thread")
            order.append("one ends")
        await asyncio.wait_for(waiting, 10)
    finally:
        await one.aclose()
        await two.aclose()
    assert order == ["one starts", "other thread", "one ends", "two"]


async def test_a_turn_that_waits_too_long_is_refused_and_the_lock_is_free_after(database: Database) -> None:
    one, two = TurnLocks(database.url, wait_s=30), TurnLocks(database.url, wait_s=0.3)
    try:
        async with one.hold("t-busy"):
            started = time.monotonic()
            with pytest.raises(ThreadBusy, match="busy with another turn .* for over 0.3 s; nothing was done"):
                async with two.hold("t-busy"):
                    pytest.fail("entered a turn another process holds")
            assert time.monotonic() - started >= 0.3
        async with two.hold("t-busy"):
            pass
    finally:
        await one.aclose()
        await two.aclose()


async def test_a_turn_lock_held_by_a_process_that_dies_is_released(database: Database) -> None:
    one, two = TurnLocks(database.url, wait_s=30), TurnLocks(database.url, wait_s=5)
    try:
        holder = one.hold("t-dies")
        await holder.__aenter__()
        await one.aclose()  # its connection ends, as a process's does when it dies
        async with two.hold("t-dies"):
            pass
    finally:
        await two.aclose()


async def test_an_unreachable_database_is_reported_as_unavailable() -> None:
    locks = TurnLocks("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2", wait_s=1)
    with pytest.raises(DatabaseUnavailable):
        async with locks.hold("t"):
            pass


async def _turn(locks: TurnLocks, thread: str, order: list[str], name: str) -> None:
    async with locks.hold(thread):
        order.append(name)


async def test_a_connection_the_server_closed_between_turns_is_replaced(database: Database) -> None:
    locks = TurnLocks(database.url, wait_s=5)
    try:
        async with locks.hold("t-restart"):
            pass
        pid = locks._conn.info.backend_pid  # type: ignore[union-attr]
        with database.connect(autocommit=True) as admin:  # as a server restart ends its sessions
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        async with locks.hold("t-restart"):
            pass
    finally:
        await locks.aclose()
