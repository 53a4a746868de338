"""Row locks of the account ledger: a transaction waits only for transactions that
write an account it writes (the same trader), not for other traders; locks are
taken in one order, so transactions naming the same accounts in opposite orders
never deadlock; concurrent spends of one trader's collateral never double-spend."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from quantdesk.exchange import OrderParams, build_message
from quantdesk.exchange.paper import TxOutcome, associated_token_address
from quantdesk.wallet import Signer
from tests.quantdesk.exchange.paper.conftest import PaperWorld

SOL = 0


def _signed(world: PaperWorld, signer: Signer, *instructions) -> bytes:  # noqa: ANN002
    message = build_message(signer.pubkey, list(instructions), world.executor.latest_blockhash().blockhash)
    return bytes(signer.sign_transaction(message))


def _mint(world: PaperWorld) -> Pubkey:
    exchange = world.executor.exchange_state().exchange
    assert exchange is not None
    return Pubkey(exchange.collateral_mint)


def _holding(world: PaperWorld, signer: Signer) -> psycopg.Connection:
    """A second connection with an open transaction holding the trader's account row lock."""
    conn = psycopg.connect(world.db.url)
    conn.execute("SELECT 1 FROM paper_accounts WHERE address = %s FOR UPDATE", (str(world.ixs.user(signer.pubkey)),))
    return conn


def _market_buy(world: PaperWorld, signer: Signer) -> bytes:
    user = world.executor.account_state(signer.pubkey).user(bytes(signer.pubkey))
    assert user is not None
    order = OrderParams("Market", "Buy", size=10**9, price=0, trigger_price=0, reduce_only=False, client_order_id=1,
                        leverage=5)
    return _signed(world, signer, world.ixs.place_order(signer.pubkey, signer.pubkey, SOL, user.next_order_id,
                                                        world.price_account("SOL/USD"), order))


def test_a_transaction_on_another_trader_commits_while_one_holds_a_traders_lock(world: PaperWorld) -> None:
    alice, bob = world.trader("alice"), world.trader("bob")
    bob_order = _market_buy(world, bob)
    alice_order = _market_buy(world, alice)
    held = _holding(world, alice)
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            bobs = pool.submit(world.executor.submit, bob_order)
            assert bobs.result(timeout=20).ok  # not blocked by the open transaction on alice
            alices = pool.submit(world.executor.submit, alice_order)
            assert not _finishes(alices, 1.0), "alice's order must wait for the transaction holding her account"
            held.rollback()
            outcome: TxOutcome = alices.result(timeout=20)
            assert outcome.ok, outcome.failure
    finally:
        held.close()


def _finishes(future, seconds: float) -> bool:  # noqa: ANN001
    try:
        future.result(timeout=seconds)
    except TimeoutError:
        return False
    return True


def test_transactions_naming_the_same_accounts_in_opposite_orders_never_deadlock(world: PaperWorld) -> None:
    alice, bob = world.trader("alice", usdc=100), world.trader("bob", usdc=100)
    rounds = 15
    carol, dave = Signer(Keypair()), Signer(Keypair())  # depositors: wallets with paper USDC, no trading account
    for depositor in (carol, dave):
        world.executor.faucet(depositor.pubkey, rounds * 2 * 10**6)
    mint = _mint(world)

    def deposits(depositor: Signer, first: Signer, second: Signer) -> list[bytes]:
        token = associated_token_address(depositor.pubkey, mint)
        return [_signed(world, depositor, world.ixs.deposit(depositor.pubkey, first.pubkey, token, 10**6 + i),
                        world.ixs.deposit(depositor.pubkey, second.pubkey, token, 10**6 - i))
                for i in range(rounds)]

    forward, backward = deposits(carol, alice, bob), deposits(dave, bob, alice)
    barrier = threading.Barrier(2)

    def run(raws: list[bytes]) -> list[bool]:
        barrier.wait()
        return [world.executor.submit(raw).ok for raw in raws]

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = [f.result(timeout=120) for f in (pool.submit(run, forward), pool.submit(run, backward))]
    assert results == [[True] * rounds, [True] * rounds]
    state = world.executor.account_state(alice.pubkey, bob.pubkey)
    total = sum(u.collateral for u in state.users)
    assert total == 200 * 10**6 + 2 * rounds * 2 * 10**6


def test_concurrent_orders_on_one_trader_never_spend_the_same_collateral_twice(world: PaperWorld) -> None:
    alice = world.trader("alice", usdc=100)
    user = world.executor.account_state(alice.pubkey).user(bytes(alice.pubkey))
    assert user is not None
    # Each order needs about 75 USDC of margin at 2x (1 SOL at 150): only one fits in 100.
    raws = [_signed(world, alice, world.ixs.place_order(
        alice.pubkey, alice.pubkey, SOL, user.next_order_id, world.price_account("SOL/USD"),
        OrderParams("Market", "Buy", size=10**9, price=0, trigger_price=0, reduce_only=False, client_order_id=c,
                    leverage=2))) for c in (1, 2)]
    barrier = threading.Barrier(2)

    def submit(raw: bytes) -> TxOutcome:
        barrier.wait()
        return world.executor.submit(raw)

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = [f.result(timeout=30) for f in [pool.submit(submit, raw) for raw in raws]]
    assert sorted(o.ok for o in outcomes) == [False, True]
    after = world.executor.account_state(alice.pubkey).user(bytes(alice.pubkey))
    assert after is not None and len(after.positions) == 1 and after.positions[0].base == 10**9
    assert after.collateral + after.positions[0].margin <= 100 * 10**6


def test_two_transactions_creating_the_same_account_at_once_create_it_once(world: PaperWorld) -> None:
    from solders.compute_budget import set_compute_unit_price

    owner = Signer(Keypair())  # no row to lock yet: the second insert conflicts and that transaction runs again
    raws = [_signed(world, owner, set_compute_unit_price(price), world.ixs.create_user(owner.pubkey))
            for price in (1, 2)]
    barrier = threading.Barrier(2)

    def submit(raw: bytes) -> TxOutcome:
        barrier.wait()
        return world.executor.submit(raw)

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = [f.result(timeout=30) for f in [pool.submit(submit, raw) for raw in raws]]
    assert sorted(o.ok for o in outcomes) == [False, True]
    failed = next(o for o in outcomes if not o.ok)
    assert failed.failure is not None and failed.failure.name == "UserAlreadyExists"
    assert [u.owner for u in world.executor.state().users].count(bytes(owner.pubkey)) == 1
