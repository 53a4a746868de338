"""Compute-unit limit and priority fee: prepended by the helper, signed as part of
the message, and accepted by the venue (the executor ignores them, as paper must)."""

from __future__ import annotations

import pytest
from solders.compute_budget import set_compute_unit_limit
from solders.pubkey import Pubkey
from solders.transaction import VersionedTransaction

from quantdesk.errors import VenueError
from quantdesk.exchange import PerpIdl, PerpInstructions
from quantdesk.exchange.solana import COMPUTE_BUDGET_PROGRAM, with_compute_budget
from tests.quantdesk.exchange.solana.conftest import SolanaWorld, market_order, open_account, place, sign


def test_the_budget_comes_first_with_the_limit_and_the_price() -> None:
    owner = Pubkey.new_unique()
    body = [PerpInstructions(PerpIdl.load()).create_user(owner)]
    limit, price, *rest = with_compute_budget(body, 250_000, 12_345)
    assert rest == body
    assert limit.program_id == price.program_id == COMPUTE_BUDGET_PROGRAM
    assert bytes(limit.data) == bytes([2]) + (250_000).to_bytes(4, "little")  # SetComputeUnitLimit(u32)
    assert bytes(price.data) == bytes([3]) + (12_345).to_bytes(8, "little")  # SetComputeUnitPrice(u64)


@pytest.mark.parametrize(("limit", "price"), [(0, 1), (1_400_001, 1), (200_000, -1)])
def test_a_budget_out_of_range_is_refused(limit: int, price: int) -> None:
    with pytest.raises(VenueError):
        with_compute_budget([], limit, price)


def test_a_second_budget_is_refused() -> None:
    with pytest.raises(VenueError, match="already set a compute budget"):
        with_compute_budget([set_compute_unit_limit(1000)], 200_000, 1)


async def test_a_budgeted_order_is_accepted_and_the_budget_is_in_the_signed_message(
        solana_world: SolanaWorld) -> None:
    async with solana_world.open_venue(compute_unit_limit=400_000, priority_fee_micro_lamports=5_000) as venue:
        alice = await open_account(solana_world, venue, usdc=1_000)
        raw = await sign(venue, alice, place(solana_world, alice, 0, market_order("Buy", 1, 2)))
        message = VersionedTransaction.from_bytes(raw).message
        programs = [message.account_keys[ix.program_id_index] for ix in message.instructions]
        assert programs[:2] == [COMPUTE_BUDGET_PROGRAM, COMPUTE_BUDGET_PROGRAM]
        assert bytes(message.instructions[0].data) == bytes([2]) + (400_000).to_bytes(4, "little")
        assert (await venue.simulate(raw)).ok
        result = await venue.submit(raw)
    assert result.ok and any(e["type"] == "OrderFilled" for e in result.events)
