"""Keepers act through signed transactions (funding, stop-loss, liquidation), and
every bad input gets the program's or the cluster's error and changes nothing."""

from __future__ import annotations

import pytest
from solders.keypair import Keypair
from solders.message import to_bytes_versioned
from solders.pubkey import Pubkey
from solders.system_program import AdvanceNonceAccountParams, advance_nonce_account
from solders.transaction import VersionedTransaction

from quantdesk.engine import codec
from quantdesk.exchange import OrderParams, TransactionRejected, build_message
from quantdesk.exchange.paper import Keeper, associated_token_address
from quantdesk.wallet import Signer
from tests.quantdesk.exchange.paper.conftest import PaperWorld

SOL = 0


def market_order(side: str, size_sol: float, leverage: int, coid: int = 1) -> OrderParams:
    return OrderParams("Market", side, size=int(size_sol * 10**9), price=0, trigger_price=0, reduce_only=False,
                       client_order_id=coid, leverage=leverage)


def _position(world: PaperWorld, signer: Signer):  # noqa: ANN202
    user = next(u for u in world.executor.state().users if u.owner == bytes(signer.pubkey))
    return next((p for p in user.positions if p.market_index == SOL), None), user


def _open_long(world: PaperWorld, signer: Signer, size: float, leverage: int) -> None:
    out = world.send(signer, world.ixs.place_order(signer.pubkey, signer.pubkey, SOL, _next_id(world, signer),
                                                   world.price_account("SOL/USD"), market_order("Buy", size, leverage)))
    assert out.ok, out.failure


def _next_id(world: PaperWorld, signer: Signer) -> int:
    return _position(world, signer)[1].next_order_id


@pytest.fixture
def keeper(world: PaperWorld) -> Keeper:
    k = Keeper(world.executor, Signer(Keypair()), world.registry)
    k.ensure_account()
    return k


def test_funding_accrues_on_schedule_through_a_keeper_transaction(world: PaperWorld, keeper: Keeper) -> None:
    alice = world.trader("alice")
    _open_long(world, alice, 10, 5)  # longs only: the imbalance makes longs pay
    before = world.executor.state().markets[SOL]
    world.clock.advance(3600)
    world.price("SOL/USD", 150_00000000)
    report = keeper.run_once(int(world.clock().timestamp()))
    assert report.funding >= 1
    after = world.executor.state().markets[SOL]
    assert after.last_funding_ts > before.last_funding_ts
    assert after.last_funding_rate > 0 and after.cumulative_funding > before.cumulative_funding
    assert any(e["type"] == "FundingSettled" for o in report.outcomes for e in o.events)


def test_a_stop_loss_triggers_when_the_oracle_crosses_it(world: PaperWorld, keeper: Keeper) -> None:
    alice = world.trader("alice")
    _open_long(world, alice, 2, 5)
    stop = OrderParams("StopLoss", "Sell", size=2 * 10**9, price=0, trigger_price=140_000_000, reduce_only=True,
                       client_order_id=2, leverage=5)
    out = world.send(alice, world.ixs.place_order(alice.pubkey, alice.pubkey, SOL, _next_id(world, alice),
                                                  world.price_account("SOL/USD"), stop))
    assert out.ok, out.failure
    assert keeper.run_once(int(world.clock().timestamp())).triggered == 0  # 150 > 140: not yet
    world.clock.advance(5)
    world.price("SOL/USD", 139_50000000)
    report = keeper.run_once(int(world.clock().timestamp()))
    assert report.triggered == 1
    position, user = _position(world, alice)
    assert position is None and user.open_orders == 0


def test_a_position_under_maintenance_is_liquidated(world: PaperWorld, keeper: Keeper) -> None:
    alice = world.trader("alice", usdc=2_000)
    _open_long(world, alice, 100, 15)  # $15k notional on ~$1,000 margin: liquidates ~4.3 % lower
    world.clock.advance(5)
    world.price("SOL/USD", 146_00000000)
    assert keeper.run_once(int(world.clock().timestamp())).liquidated == 0  # still above maintenance
    world.clock.advance(5)
    world.price("SOL/USD", 142_00000000)
    report = keeper.run_once(int(world.clock().timestamp()))
    assert report.liquidated == 1
    assert _position(world, alice)[0] is None
    liquidated = [e for o in report.outcomes for e in o.events if e["type"] == "Liquidated"]
    assert liquidated and liquidated[0]["owner"] == str(alice.pubkey)


def _snapshot(world: PaperWorld, signer: Signer) -> tuple:
    mint = Pubkey(world.executor.state().exchange.collateral_mint)
    balance = world.executor.token_balance(associated_token_address(signer.pubkey, mint))
    return codec.encode_state(world.executor.state()), balance


@pytest.mark.parametrize(
    ("order", "error"),
    [
        (market_order("Buy", 0, 5), "OrderSizeBelowLot"),
        (market_order("Buy", 0.005, 5), "OrderSizeBelowLot"),  # half a lot (lot = 0.01 SOL)
        (market_order("Buy", 1, 50), "InvalidLeverage"),
        (market_order("Buy", 1000, 5), "InsufficientCollateral"),
        (market_order("Buy", 10, 20), "InitialMarginViolated"),  # max leverage leaves no room for spread + fee
    ],
    ids=["size-0", "size-off-the-lot", "leverage-above-max", "too-big", "at-max-leverage"],
)
def test_bad_orders_get_the_program_error_and_change_nothing(world: PaperWorld, order: OrderParams,
                                                             error: str) -> None:
    alice = world.trader("alice")
    before = _snapshot(world, alice)
    out = world.send(alice, world.ixs.place_order(alice.pubkey, alice.pubkey, SOL, 0, world.price_account("SOL/USD"),
                                                  order))
    assert not out.ok and out.failure is not None and out.failure.name == error
    assert _snapshot(world, alice) == before
    assert world.executor.status(out.signature).ok is False


def test_an_unknown_market_is_refused(world: PaperWorld) -> None:
    alice = world.trader("alice")
    before = _snapshot(world, alice)
    out = world.send(alice, world.ixs.place_order(alice.pubkey, alice.pubkey, 7, 0, world.price_account("SOL/USD"),
                                                  market_order("Buy", 1, 5)))
    assert out.failure is not None and out.failure.name == "AccountNotInitialized"
    assert _snapshot(world, alice) == before


def test_withdraw_beyond_free_collateral_is_refused(world: PaperWorld) -> None:
    alice = world.trader("alice", usdc=1_000)
    _open_long(world, alice, 10, 5)
    before = _snapshot(world, alice)
    mint = Pubkey(world.executor.state().exchange.collateral_mint)
    out = world.send(alice, world.ixs.withdraw(alice.pubkey, alice.pubkey,
                                               associated_token_address(alice.pubkey, mint), 1_000 * 10**6))
    assert out.failure is not None and out.failure.name == "InsufficientFreeCollateral"
    assert _snapshot(world, alice) == before


def test_withdraw_within_free_collateral_pays_the_owners_token_account(world: PaperWorld) -> None:
    alice = world.trader("alice", usdc=1_000)
    mint = Pubkey(world.executor.state().exchange.collateral_mint)
    token = associated_token_address(alice.pubkey, mint)
    out = world.send(alice, world.ixs.withdraw(alice.pubkey, alice.pubkey, token, 250 * 10**6))
    assert out.ok, out.failure
    assert world.executor.token_balance(token) == 250 * 10**6


def _signed(world: PaperWorld, payer: Signer, *ixs) -> bytes:  # noqa: ANN002
    return bytes(payer.sign_transaction(build_message(payer.pubkey, list(ixs),
                                                      world.executor.latest_blockhash().blockhash)))


def test_transactions_a_cluster_refuses_never_land(world: PaperWorld) -> None:
    alice = world.trader("alice")
    mallory = Signer(Keypair())
    state_before = _snapshot(world, alice)
    place = world.ixs.place_order(alice.pubkey, alice.pubkey, SOL, 0, world.price_account("SOL/USD"),
                                  market_order("Buy", 1, 5))
    message = build_message(alice.pubkey, [place], world.executor.latest_blockhash().blockhash)
    cases = {
        "bad signature": VersionedTransaction.populate(message, [alice.sign_message(b"other bytes")]),
        "wrong signer": VersionedTransaction.populate(message, [mallory.sign_message(to_bytes_versioned(message))]),
    }
    for label, tx in cases.items():
        with pytest.raises(TransactionRejected) as err:
            world.executor.submit(bytes(tx))
        assert err.value.code == "SignatureFailure", label
    nonce = advance_nonce_account(AdvanceNonceAccountParams(nonce_pubkey=Pubkey.new_unique(),
                                                            authorized_pubkey=alice.pubkey))
    with pytest.raises(TransactionRejected) as err:
        world.executor.submit(_signed(world, alice, nonce, place))
    assert err.value.code == "DurableNonceRefused"
    blockhash = world.executor.latest_blockhash().blockhash
    stale = bytes(alice.sign_transaction(build_message(alice.pubkey, [place], blockhash)))
    world.clock.advance(61)
    with pytest.raises(TransactionRejected) as err:
        world.executor.submit(stale)
    assert err.value.code == "BlockhashNotFound"
    from solders.instruction import Instruction
    with pytest.raises(TransactionRejected) as err:
        world.executor.submit(_signed(world, alice, Instruction(Pubkey.new_unique(), b"", [])))
    assert err.value.code == "InvalidProgramForExecution"
    assert _snapshot(world, alice) == state_before


def test_a_replayed_transaction_is_refused_and_applies_once(world: PaperWorld) -> None:
    alice = world.trader("alice")
    raw = _signed(world, alice, world.ixs.place_order(alice.pubkey, alice.pubkey, SOL, 0,
                                                      world.price_account("SOL/USD"), market_order("Buy", 1, 5)))
    assert world.executor.submit(raw).ok
    after_first = _snapshot(world, alice)
    with pytest.raises(TransactionRejected) as err:
        world.executor.submit(raw)
    assert err.value.code == "AlreadyProcessed"
    assert _snapshot(world, alice) == after_first


def test_concurrent_withdrawals_never_spend_the_same_collateral_twice(world: PaperWorld) -> None:
    import threading

    alice = world.trader("alice", usdc=1_000)
    mint = Pubkey(world.executor.state().exchange.collateral_mint)
    token = associated_token_address(alice.pubkey, mint)
    raws = [_signed(world, alice, world.ixs.withdraw(alice.pubkey, alice.pubkey, token, 600 * 10**6)),
            _signed(world, alice, world.ixs.withdraw(alice.pubkey, alice.pubkey, token, 600 * 10**6 + 1))]
    results: list = []
    barrier = threading.Barrier(2)

    def submit(raw: bytes) -> None:
        barrier.wait()
        results.append(world.executor.submit(raw))

    threads = [threading.Thread(target=submit, args=(raw,)) for raw in raws]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(r.ok for r in results) == [False, True]
    failed = next(r for r in results if not r.ok)
    assert failed.failure is not None and failed.failure.name == "InsufficientFreeCollateral"
    user = next(u for u in world.executor.state().users if u.owner == bytes(alice.pubkey))
    paid = world.executor.token_balance(token)
    assert paid in (600 * 10**6, 600 * 10**6 + 1)
    assert user.collateral + paid == 1_000 * 10**6
