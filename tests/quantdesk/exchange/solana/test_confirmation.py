"""Confirmation over a misbehaving network: lagging statuses, lost and cut sends,
slow answers, a deadline, and blockhash expiry (rebuild and re-approve, never re-sign)."""

from __future__ import annotations

import asyncio

import pytest

from quantdesk.exchange import SubmitTimeout, TransactionRejected
from tests.quantdesk.exchange.solana.conftest import SolanaWorld, market_order, open_account, place, sign


async def _order_bytes(world: SolanaWorld, venue, usdc: int = 10_000) -> tuple[bytes, bytes]:  # noqa: ANN001
    alice = await open_account(world, venue, usdc=usdc)
    return bytes(alice.pubkey), await sign(venue, alice, place(world, alice, 0, market_order("Buy", 2, 5)))


def _positions(world: SolanaWorld, owner: bytes) -> list[int]:
    user = world.executor.state().user(owner)
    assert user is not None
    return [p.base for p in user.positions]


async def test_statuses_that_lag_behind_still_confirm_within_the_deadline(solana_world: SolanaWorld) -> None:
    async with solana_world.open_venue() as venue:
        owner, raw = await _order_bytes(solana_world, venue)
        solana_world.double.faults.null_statuses = 8
        solana_world.double.faults.delays["getSignatureStatuses"] = 0.03
        polls = solana_world.double.count("getSignatureStatuses")
        result = await venue.submit(raw)
    assert result.ok and any(e["type"] == "OrderFilled" for e in result.events)
    assert solana_world.double.count("getSignatureStatuses") - polls > 8
    assert _positions(solana_world, owner) == [2 * 10**9]


async def test_no_result_by_the_deadline_is_a_submit_timeout(solana_world: SolanaWorld) -> None:
    async with solana_world.open_venue(deadline_s=0.3) as venue:
        _, raw = await _order_bytes(solana_world, venue)
        solana_world.double.faults.null_statuses = 10**6
        with pytest.raises(SubmitTimeout, match="Send the same bytes again"):
            await venue.submit(raw)


async def test_a_cut_connection_after_the_send_is_recovered_by_polling(solana_world: SolanaWorld) -> None:
    async with solana_world.open_venue() as venue:
        owner, raw = await _order_bytes(solana_world, venue)
        solana_world.double.faults.drop_send_responses = 1
        result = await venue.submit(raw)
    assert result.ok
    assert _positions(solana_world, owner) == [2 * 10**9]


async def test_a_send_answered_after_the_client_gave_up_still_confirms(solana_world: SolanaWorld) -> None:
    async with solana_world.open_venue() as venue:
        alice = await open_account(solana_world, venue, usdc=10_000)
    async with solana_world.open_venue(rpc_timeout_s=0.5, resend_s=10.0) as impatient:
        raw = await sign(impatient, alice, place(solana_world, alice, 0, market_order("Buy", 2, 5)))
        solana_world.double.faults.delays["sendTransaction"] = 1.0
        result = await impatient.submit(raw)
    assert result.ok
    assert _positions(solana_world, bytes(alice.pubkey)) == [2 * 10**9]


async def test_a_lost_send_is_rebroadcast_as_the_same_bytes_and_lands_once(solana_world: SolanaWorld) -> None:
    async with solana_world.open_venue(resend_s=0.05) as venue:
        owner, raw = await _order_bytes(solana_world, venue)
        solana_world.double.faults.lose_sends = 1
        before = len(solana_world.double.sent)
        result = await venue.submit(raw)
    resent = solana_world.double.sent[before:]
    assert result.ok and len(resent) >= 2 and set(resent) == {result.signature}
    assert _positions(solana_world, owner) == [2 * 10**9]


async def test_the_same_transaction_submitted_twice_at_once_lands_once(solana_world: SolanaWorld) -> None:
    async with solana_world.open_venue() as venue:
        owner, raw = await _order_bytes(solana_world, venue)
        solana_world.double.faults.delays["sendTransaction"] = 0.05
        first, second = await asyncio.gather(venue.submit(raw), venue.submit(raw))
    assert first.ok and second.ok and first.signature == second.signature
    assert _positions(solana_world, owner) == [2 * 10**9]


async def test_an_expired_blockhash_is_refused_before_sending_and_asks_for_a_new_approval(
        solana_world: SolanaWorld) -> None:
    async with solana_world.open_venue() as venue:
        owner, raw = await _order_bytes(solana_world, venue)
        solana_world.paper.clock.advance(61)  # 150 slots of 400 ms have passed
        sends = solana_world.double.count("sendTransaction")
        with pytest.raises(TransactionRejected) as refused:
            await venue.submit(raw)
    assert refused.value.code == "BlockhashNotFound" and "approved" in str(refused.value)
    assert solana_world.double.count("sendTransaction") == sends
    assert _positions(solana_world, owner) == []


async def test_a_transaction_that_never_lands_is_given_up_when_its_blockhash_expires(
        solana_world: SolanaWorld) -> None:
    async with solana_world.open_venue(resend_s=0.05) as venue:
        owner, raw = await _order_bytes(solana_world, venue)
        solana_world.double.faults.lose_sends = 10**6
        solana_world.double.faults.before["getBlockHeight"] = lambda: solana_world.paper.clock.advance(10)
        before = len(solana_world.double.sent)
        with pytest.raises(TransactionRejected) as refused:
            await venue.submit(raw)
    assert refused.value.code == "BlockhashNotFound" and "never will" in str(refused.value)
    assert "approved" in str(refused.value)
    # Only ever the same signed bytes went out: nothing was re-signed.
    assert len(set(solana_world.double.sent[before:])) == 1
    assert _positions(solana_world, owner) == []


async def test_a_failed_last_look_at_expiry_is_asked_again_not_taken_as_not_landed(
        solana_world: SolanaWorld) -> None:
    async with solana_world.open_venue(resend_s=10.0) as venue:
        owner, raw = await _order_bytes(solana_world, venue)
        faults = solana_world.double.faults
        faults.lose_sends = 10**6

        def expire_and_break_the_next_status() -> None:
            faults.before.pop("getBlockHeight")
            solana_world.paper.clock.advance(61)
            faults.errors.setdefault("getSignatureStatuses", []).append({"code": -32005, "message": "Node is behind"})

        faults.before["getBlockHeight"] = expire_and_break_the_next_status
        polls = solana_world.double.count("getSignatureStatuses")
        with pytest.raises(TransactionRejected, match="never will"):
            await venue.submit(raw)
    # status before sending, poll, failed last look, poll, last look that answered "unknown"
    assert solana_world.double.count("getSignatureStatuses") - polls >= 5
    assert _positions(solana_world, owner) == []


async def test_answers_arriving_out_of_order_are_matched_to_their_transactions(solana_world: SolanaWorld) -> None:
    async with solana_world.open_venue() as venue:
        alice = await open_account(solana_world, venue, usdc=10_000)
        bob = await open_account(solana_world, venue, usdc=10_000)
        long = await sign(venue, alice, place(solana_world, alice, 0, market_order("Buy", 2, 5)))
        short = await sign(venue, bob, place(solana_world, bob, 0, market_order("Sell", 1, 4)))
        # The first send to reach the node (normally Alice's) is answered after the second.
        solana_world.double.faults.delay_next["sendTransaction"] = [0.4, 0.0]
        first = asyncio.create_task(venue.submit(long))
        await asyncio.sleep(0.1)
        second = asyncio.create_task(venue.submit(short))
        done_first, done_second = await asyncio.gather(first, second)
    assert done_first.ok and done_second.ok
    assert done_first.events[-1]["owner"] == str(alice.pubkey) and done_second.events[-1]["owner"] == str(bob.pubkey)
    assert _positions(solana_world, bytes(alice.pubkey)) == [2 * 10**9]
    assert _positions(solana_world, bytes(bob.pubkey)) == [-1 * 10**9]
