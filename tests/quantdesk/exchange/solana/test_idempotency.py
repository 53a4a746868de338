"""A retried order never doubles: resends of the same bytes execute at most once,
and a rebuilt transaction for an order that already landed is refused by the
venue (client order id / order id lookup) and by the program (the order PDA)."""

from __future__ import annotations

import inspect

import pytest
from solders.keypair import Keypair

from quantdesk.exchange import OrderParams, SubmitTimeout
from quantdesk.exchange.solana import OrderAlreadyPlaced, PreflightRejected, SolanaVenue
from quantdesk.wallet import Signer
from tests.quantdesk.exchange.solana.conftest import SolanaWorld, market_order, open_account, place, sign


def _user(world: SolanaWorld, signer: Signer):  # noqa: ANN202
    user = world.executor.state().user(bytes(signer.pubkey))
    assert user is not None
    return user


async def test_the_same_bytes_again_return_the_first_result_and_send_nothing(solana_world: SolanaWorld) -> None:
    async with solana_world.open_venue() as venue:
        alice = await open_account(solana_world, venue, usdc=10_000)
        raw = await sign(venue, alice, place(solana_world, alice, 0, market_order("Buy", 2, 5)))
        first = await venue.submit(raw)
        sends = solana_world.double.count("sendTransaction")
        again = await venue.submit(raw)
    assert first.ok and again.ok and again.signature == first.signature and again.slot == first.slot
    assert solana_world.double.count("sendTransaction") == sends
    user = _user(solana_world, alice)
    assert user.next_order_id == 1 and [p.base for p in user.positions] == [2 * 10**9]


async def test_a_retry_after_a_dropped_response_and_a_timeout_does_not_double_the_order(
        solana_world: SolanaWorld) -> None:
    async with solana_world.open_venue(deadline_s=0.3) as venue:
        alice = await open_account(solana_world, venue, usdc=10_000)
        raw = await sign(venue, alice, place(solana_world, alice, 0, market_order("Buy", 2, 5, client_order_id=42)))
        solana_world.double.faults.drop_send_responses = 1
        solana_world.double.faults.null_statuses = 10**6
        with pytest.raises(SubmitTimeout):
            await venue.submit(raw)  # the order landed, but the caller can't know
        solana_world.double.faults.null_statuses = 0
        retried = await venue.submit(raw)  # rule 1: the same bytes again
        assert retried.ok and any(e["type"] == "OrderFilled" for e in retried.events)

        # Rule 2 misapplied: a new transaction (new blockhash, same order id and client order id).
        solana_world.paper.clock.advance(1)
        rebuilt = await sign(venue, alice, place(solana_world, alice, 0, market_order("Buy", 2, 5, client_order_id=42)))
        assert rebuilt != raw
        sends = solana_world.double.count("sendTransaction")
        with pytest.raises(OrderAlreadyPlaced) as placed:
            await venue.submit_order_once(rebuilt)
        assert (placed.value.order_id, placed.value.client_order_id, placed.value.resting) == (0, 42, False)
        # Even sent without the lookup, the program refuses a second order with that id.
        with pytest.raises(PreflightRejected) as refused:
            await venue.submit(rebuilt)
        assert refused.value.error_name == "ConstraintSeeds"
        assert solana_world.double.count("sendTransaction") == sends
    user = _user(solana_world, alice)
    assert user.next_order_id == 1 and [p.base for p in user.positions] == [2 * 10**9]


async def test_a_resting_order_is_found_by_its_client_order_id_and_not_placed_again(
        solana_world: SolanaWorld) -> None:
    limit = OrderParams("Limit", "Buy", size=10**9, price=100_000_000, trigger_price=0, reduce_only=False,
                        client_order_id=77, leverage=2)
    async with solana_world.open_venue() as venue:
        alice = await open_account(solana_world, venue, usdc=5_000)
        assert (await venue.submit_order_once(await sign(venue, alice, place(solana_world, alice, 0, limit)))).ok
        found = await venue.find_order_by_client_id(alice.pubkey, 77)
        assert found is not None and found.id == 0 and found.price == 100_000_000
        assert await venue.find_order_by_client_id(alice.pubkey, 78) is None
        # A caller that re-numbered the retry (order id 1) is still stopped by the client order id.
        solana_world.paper.clock.advance(1)
        renumbered = await sign(venue, alice, place(solana_world, alice, 1, limit))
        with pytest.raises(OrderAlreadyPlaced) as placed:
            await venue.submit_order_once(renumbered)
    assert placed.value.resting and placed.value.order_id == 0
    assert _user(solana_world, alice).open_orders == 1


async def test_submit_order_once_sends_a_new_order_normally(solana_world: SolanaWorld) -> None:
    async with solana_world.open_venue() as venue:
        alice = await open_account(solana_world, venue, usdc=10_000)
        first = await venue.submit_order_once(await sign(venue, alice, place(solana_world, alice, 0,
                                                                               market_order("Buy", 1, 5, 1))))
        second = await venue.submit_order_once(await sign(venue, alice, place(solana_world, alice, 1,
                                                                                market_order("Buy", 1, 5, 2))))
    assert first.ok and second.ok
    user = _user(solana_world, alice)
    assert user.next_order_id == 2 and [p.base for p in user.positions] == [2 * 10**9]


def test_the_venue_holds_no_signer_and_takes_only_signed_bytes(solana_world: SolanaWorld) -> None:
    venue = solana_world.venue()
    for name in ("simulate", "submit", "submit_order_once"):
        parameters = list(inspect.signature(getattr(SolanaVenue, name)).parameters.values())
        assert parameters[1].name == "raw" and parameters[1].annotation in (bytes, "bytes")
    public = [n for n in dir(SolanaVenue) if not n.startswith("_")]
    for name in public:
        member = getattr(SolanaVenue, name)
        if callable(member):
            for parameter in inspect.signature(member).parameters.values():
                text = f"{parameter.name}: {parameter.annotation}".lower()
                assert "signer" not in text and "keypair" not in text, (name, parameter)
    held = [getattr(venue, n) for n in vars(venue)]
    assert not any(isinstance(v, Signer | Keypair) for v in held)
