"""Reads that must not touch other traders: one trader's account state, and the
keepers' work found through the read models (a crossed stop; positions re-priced
after a funding settlement moved the market's index)."""

from __future__ import annotations

from solders.keypair import Keypair

from quantdesk.exchange import OrderParams
from quantdesk.exchange.paper import Keeper, position_liquidation_price
from quantdesk.wallet import Signer
from tests.quantdesk.exchange.paper.conftest import PaperWorld

SOL = 0


def _place(world: PaperWorld, signer: Signer, params: OrderParams) -> None:
    user = world.executor.account_state(signer.pubkey).user(bytes(signer.pubkey))
    assert user is not None
    out = world.send(signer, world.ixs.place_order(signer.pubkey, signer.pubkey, SOL, user.next_order_id,
                                                   world.price_account("SOL/USD"), params))
    assert out.ok, out.failure


def _params(kind: str, side: str, *, trigger: int = 0, coid: int = 1) -> OrderParams:
    return OrderParams(kind, side, size=10**9, price=0, trigger_price=trigger, reduce_only=False,
                       client_order_id=coid, leverage=5)


def test_one_traders_account_state_holds_only_their_account_and_orders(world: PaperWorld) -> None:
    alice, bob = world.trader("alice"), world.trader("bob")
    _place(world, alice, _params("Market", "Buy"))
    _place(world, alice, _params("StopLoss", "Sell", trigger=140_000_000, coid=2))
    _place(world, bob, _params("Market", "Buy"))
    _place(world, bob, _params("StopLoss", "Sell", trigger=130_000_000, coid=3))
    mine = world.executor.account_state(alice.pubkey)
    assert [u.owner for u in mine.users] == [bytes(alice.pubkey)]
    assert [(o.owner, o.trigger_price) for o in mine.orders] == [(bytes(alice.pubkey), 140_000_000)]
    assert mine.markets == world.executor.state().markets and mine.exchange == world.executor.state().exchange


def test_keepers_find_a_crossed_stop_and_re_price_positions_after_funding(world: PaperWorld) -> None:
    alice, bob = world.trader("alice"), world.trader("bob")
    _place(world, alice, _params("Market", "Buy"))
    _place(world, alice, _params("StopLoss", "Sell", trigger=140_000_000, coid=2))
    _place(world, bob, _params("Market", "Buy"))
    keeper = Keeper(world.executor, Signer(Keypair()), world.registry)
    keeper.ensure_account()
    now = int(world.clock().timestamp())
    assert keeper.find_work(now).triggers == []

    world.clock.advance(2)  # a newer tick (the writer keeps one per publish time)
    now = int(world.clock().timestamp())
    world.price("SOL/USD", 139_00000000)  # through alice's stop, not near anyone's liquidation
    work = keeper.find_work(now)
    assert [(t.owner, t.market_index) for t in work.triggers] == [(bytes(alice.pubkey), SOL)]
    assert work.liquidations == []
    report = keeper.run_once(now)
    assert report.triggered == 1 and keeper.find_work(now).triggers == []
    assert world.executor.account_state(alice.pubkey).user(bytes(alice.pubkey)).positions == ()

    world.clock.advance(3600)
    world.price("SOL/USD", 139_00000000)
    assert keeper.run_once(int(world.clock().timestamp())).funding >= 1
    market = world.executor.exchange_state().markets[SOL]
    with world.db.pool.connection() as conn:
        stale = conn.execute("SELECT count(*) FROM paper_positions WHERE funding_index <> %s",
                             (market.cumulative_funding,)).fetchone()
    assert market.cumulative_funding != 0 and stale == (1,)  # bob's long, priced at the old index
    keeper.find_work(int(world.clock().timestamp()))  # re-prices it
    bob_position = world.executor.account_state(bob.pubkey).user(bytes(bob.pubkey)).positions[0]
    with world.db.pool.connection() as conn:
        row = conn.execute("SELECT liquidation_price, funding_index FROM paper_positions WHERE market_index = 0"
                           ).fetchone()
    assert row is not None and int(row[1]) == market.cumulative_funding
    assert row[0] == position_liquidation_price(bob_position, market)
