"""Upgrading from the whole-exchange ``paper_state`` document (before migration
0014) to the account ledger: every account, position and resting order survives,
the read models are rebuilt, the document is gone, and the trader keeps trading."""

from __future__ import annotations

import pytest
from psycopg.types.json import Jsonb

from quantdesk.engine import codec
from quantdesk.errors import VenueError
from quantdesk.exchange import OrderParams
from quantdesk.exchange.paper import PaperExecutor
from tests.quantdesk.exchange.paper.conftest import PaperWorld

SOL, ETH = 0, 2


def _order(kind: str, side: str, size: int, *, price: int = 0, trigger: int = 0, coid: int = 1) -> OrderParams:
    return OrderParams(kind, side, size=size, price=price, trigger_price=trigger, reduce_only=False,
                       client_order_id=coid, leverage=5)


def _place(world: PaperWorld, name: str, market: int, symbol: str, params: OrderParams) -> None:
    signer = world.signers[name]
    user = world.executor.account_state(signer.pubkey).user(bytes(signer.pubkey))
    assert user is not None
    out = world.send(signer, world.ixs.place_order(signer.pubkey, signer.pubkey, market, user.next_order_id,
                                                   world.price_account(symbol), params))
    assert out.ok, out.failure


def _old_layout(world: PaperWorld) -> dict:
    """Turn the world's database back into the pre-0014 layout: the whole state as one
    paper_state document, no ledger rows, no read models (events and tokens stay)."""
    doc = codec.encode_state(world.executor.state())
    with world.db.pool.connection() as conn:
        conn.execute("DELETE FROM paper_accounts")
        conn.execute("DELETE FROM paper_positions")
        conn.execute("DELETE FROM paper_open_orders")
        conn.execute("DELETE FROM paper_fills")
        conn.execute("INSERT INTO paper_state (id, version, doc) VALUES (1, 7, %s)", (Jsonb(doc),))
    return doc


def _counts(world: PaperWorld) -> dict[str, int]:
    with world.db.pool.connection() as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[index]
                for t in ("paper_state", "paper_accounts", "paper_positions", "paper_open_orders", "paper_fills")}


def test_a_paper_state_document_becomes_ledger_accounts_and_trading_goes_on(world: PaperWorld) -> None:
    world.trader("alice")
    world.trader("bob")
    _place(world, "alice", SOL, "SOL/USD", _order("Market", "Buy", 2 * 10**9))
    _place(world, "bob", SOL, "SOL/USD", _order("Market", "Sell", 1 * 10**9))
    _place(world, "alice", SOL, "SOL/USD", _order("Limit", "Buy", 10**9, price=120_000_000, coid=2))
    _place(world, "alice", SOL, "SOL/USD", _order("StopLoss", "Sell", 10**9, trigger=140_000_000, coid=3))
    _place(world, "bob", ETH, "ETH/USD", _order("Limit", "Sell", 10**8, price=3_500_000_000, coid=4))
    before = world.executor.state()
    assert len(before.orders) == 3 and sum(len(u.positions) for u in before.users) == 2
    live = _counts(world)
    doc = _old_layout(world)
    assert _counts(world)["paper_accounts"] == 0

    upgraded = PaperExecutor(world.db.pool, world.executor.idl, world.registry, world.clock)
    assert upgraded.state() == before == codec.decode_state(doc)
    after = _counts(world)
    assert after["paper_state"] == 0
    assert {k: v for k, v in after.items() if k != "paper_state"} == {k: v for k, v in live.items()
                                                                       if k != "paper_state"}
    with world.db.pool.connection() as conn:
        fires = conn.execute("SELECT kind, fires_at_or_below, fires_at_or_above FROM paper_open_orders "
                             "ORDER BY placed_at, order_id").fetchall()
    assert ("stop_loss", 140_000_000, None) in fires

    # Alice trades on from her upgraded account: cancel her stop, then close half her long.
    world.executor = upgraded
    alice = world.signers["alice"]
    stop = next(o for o in upgraded.account_state(alice.pubkey).orders if o.kind.value == "stop_loss")
    out = world.send(alice, world.ixs.cancel_order(alice.pubkey, alice.pubkey, stop.id))
    assert out.ok, out.failure
    out = world.send(alice, world.ixs.close_position(alice.pubkey, alice.pubkey, SOL, world.price_account("SOL/USD"),
                                                     10**9, 0))
    assert out.ok, out.failure
    mine = upgraded.account_state(alice.pubkey).user(bytes(alice.pubkey))
    assert mine is not None and mine.positions[0].base == 10**9
    assert upgraded.state().total_collateral() == before.total_collateral()


def test_an_upgrade_that_would_merge_two_ledgers_is_refused_and_changes_nothing(world: PaperWorld) -> None:
    world.trader("alice")
    doc = codec.encode_state(world.executor.state())
    with world.db.pool.connection() as conn:
        conn.execute("INSERT INTO paper_state (id, version, doc) VALUES (1, 1, %s)", (Jsonb(doc),))
    fresh = PaperExecutor(world.db.pool, world.executor.idl, world.registry, world.clock)
    with pytest.raises(VenueError, match="both a paper_state document and ledger accounts"):
        fresh.state()
    assert _counts(world)["paper_state"] == 1
