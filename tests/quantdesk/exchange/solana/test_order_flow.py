"""The paper order flow, over the Solana venue: solana-py → JSON-RPC double on
127.0.0.1 → the local executor. Same transactions, same results."""

from __future__ import annotations

import pytest
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.transaction import VersionedTransaction

from quantdesk.exchange import OrderParams, TransactionRejected, build_message
from quantdesk.exchange.solana import PreflightRejected
from tests.quantdesk.exchange.solana.conftest import SOL, SolanaWorld, market_order, open_account, place, send, sign


async def test_a_market_long_opens_a_position_with_the_right_entry_price_and_margin(
        solana_world: SolanaWorld) -> None:
    async with solana_world.open_venue() as venue:
        alice = await open_account(solana_world, venue, usdc=10_000)
        result = await send(venue, alice, place(solana_world, alice, 0, market_order("Buy", 2, 5)))
        assert result.ok, result
        filled = next(e for e in result.events if e["type"] == "OrderFilled")
        # 150 * (1 + 0.0003) = 150.045, rounded up to the 0.001 tick.
        assert filled["price"] == 150_045_000 and filled["side"] == "buy"
        venue.owners = (alice.pubkey,)
        state = await venue.read_state()
    user = state.user(bytes(alice.pubkey))
    assert user is not None
    (position,) = user.positions
    assert position.market_index == SOL and position.base == 2 * 10**9
    notional = 300_090_000  # 2 × 150.045 in 1e-6 USD
    assert position.quote_entry == notional
    assert position.margin == notional // 5 + (notional % 5 > 0)
    fee = -(-notional * 500 // 1_000_000)
    assert user.collateral == 10_000 * 10**6 - position.margin - fee
    assert state == _paper_view(solana_world, alice.pubkey)


async def test_the_state_read_over_rpc_is_the_executors_state(solana_world: SolanaWorld) -> None:
    async with solana_world.open_venue() as venue:
        alice = await open_account(solana_world, venue, usdc=5_000)
        limit = OrderParams("Limit", "Buy", size=10**9, price=100_000_000, trigger_price=0, reduce_only=False,
                            client_order_id=7, leverage=2)
        resting = place(solana_world, alice, 0, limit)
        assert (await send(venue, alice, resting)).ok
        state = await venue.read_state_for([alice.pubkey])
    assert len(state.orders) == 1 and state.orders[0].client_order_id == 7
    assert state == _paper_view(solana_world, alice.pubkey)


async def test_too_much_leverage_gets_the_programs_error_and_sends_nothing(solana_world: SolanaWorld) -> None:
    async with solana_world.open_venue() as venue:
        alice = await open_account(solana_world, venue, usdc=1_000)
        raw = await sign(venue, alice, place(solana_world, alice, 0, market_order("Buy", 1, 50)))
        sends = solana_world.double.count("sendTransaction")
        try:
            await venue.submit(raw)
        except PreflightRejected as exc:
            assert exc.error_name == "InvalidLeverage" and exc.error_code == 6000 + _code("InvalidLeverage")
            assert "nothing was sent" in str(exc)
        else:
            raise AssertionError("a 50x order was accepted")
        assert solana_world.double.count("sendTransaction") == sends
        simulated = await venue.simulate(raw)
    assert not simulated.ok and simulated.error_name == "InvalidLeverage"
    assert simulated.error_message is not None and "20" in simulated.error_message  # the limit is named


async def test_an_order_bigger_than_the_collateral_gets_insufficient_collateral(solana_world: SolanaWorld) -> None:
    async with solana_world.open_venue() as venue:
        alice = await open_account(solana_world, venue, usdc=100)
        raw = await sign(venue, alice, place(solana_world, alice, 0, market_order("Buy", 50, 2)))
        simulated = await venue.simulate(raw)
    assert not simulated.ok
    assert simulated.error_name in ("InsufficientCollateral", "InitialMarginViolated")
    assert simulated.error_code is not None and simulated.error_code >= 6000


async def test_depositing_more_than_the_wallet_holds_gets_the_token_error(solana_world: SolanaWorld) -> None:
    async with solana_world.open_venue() as venue:
        alice = await open_account(solana_world, venue, usdc=100)
        token = solana_world.executor.faucet(alice.pubkey, 1)
        raw = await sign(venue, alice, solana_world.ixs.deposit(alice.pubkey, alice.pubkey, token, 10**12))
        simulated = await venue.simulate(raw)
    assert not simulated.ok and simulated.error_code == 1 and simulated.error_name == "TokenInsufficientFunds"


async def test_an_order_account_out_of_sequence_gets_anchors_seeds_error(solana_world: SolanaWorld) -> None:
    async with solana_world.open_venue() as venue:
        alice = await open_account(solana_world, venue, usdc=100)
        # The order account of a future order id: the program's seeds constraint refuses it.
        raw = await sign(venue, alice, place(solana_world, alice, 5, market_order("Buy", 1, 2)))
        simulated = await venue.simulate(raw)
    assert not simulated.ok and (simulated.error_code, simulated.error_name) == (2006, "ConstraintSeeds")


def _code(name: str) -> int:
    from quantdesk.engine import ErrorCode

    return int(ErrorCode[name]) - 6000


def _paper_view(world: SolanaWorld, owner: Pubkey):  # noqa: ANN202
    """The executor's state restricted to what the venue reads: the exchange, markets, this owner."""
    from dataclasses import replace

    state = world.executor.state()
    return replace(state, users=tuple(u for u in state.users if u.owner == bytes(owner)),
                   orders=tuple(o for o in state.orders if o.owner == bytes(owner)))


async def test_an_unsigned_ticket_message_can_be_simulated_without_signature_checks(
        solana_world: SolanaWorld) -> None:
    async with solana_world.open_venue() as venue:
        alice = await open_account(solana_world, venue, usdc=10_000)
        body = venue.with_compute_budget([place(solana_world, alice, 0, market_order("Buy", 2, 5))])
        message = build_message(alice.pubkey, body, (await venue.latest_blockhash()).blockhash)
        unsigned = bytes(VersionedTransaction.populate(message, [Signature.default()]))
        preview = await venue.simulate(unsigned, sig_verify=False)
        assert preview.ok and next(e for e in preview.events if e["type"] == "OrderFilled")["price"] == 150_045_000
        with pytest.raises(TransactionRejected, match="SignatureFailure"):
            await venue.simulate(unsigned)
        state = await venue.read_state_for([alice.pubkey])
    assert state.user(bytes(alice.pubkey)).positions == ()  # type: ignore[union-attr]  # simulation changes nothing


async def test_status_reports_a_landed_transaction_and_none_for_an_unknown_one(solana_world: SolanaWorld) -> None:
    async with solana_world.open_venue() as venue:
        alice = await open_account(solana_world, venue, usdc=10_000)
        raw = await sign(venue, alice, place(solana_world, alice, 0, market_order("Buy", 2, 5)))
        result = await venue.submit(raw)
        status = await venue.status(result.signature)
        unknown = await venue.status(str(Signature.new_unique()))
    assert status is not None and status.ok and status.slot == result.slot and status.events == result.events
    assert unknown is None
