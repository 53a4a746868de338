"""A resting order's would-be fill, replayed on the pure engine, is the keeper's real fill: the
same OrderFilled event, field for field, once the oracle reaches the first price it fills at."""

from __future__ import annotations

from typing import Any

import pytest
from solders.keypair import Keypair

from quantdesk.engine import State, codec
from quantdesk.exchange import OrderParams
from quantdesk.exchange.paper import Keeper
from quantdesk.trading import UnfillableOrder, first_fill_oracle, resting_fill
from quantdesk.wallet import Signer
from tests.quantdesk.exchange.paper.conftest import PaperWorld

SOL = 0


@pytest.fixture
def keeper(world: PaperWorld) -> Keeper:
    k = Keeper(world.executor, Signer(Keypair()), world.registry)
    k.ensure_account()
    return k


def _order(kind: str, side: str, sol: float, leverage: int, *, price: float = 0, trigger: float = 0,
           coid: int = 1) -> OrderParams:
    return OrderParams(kind, side, size=int(sol * 10**9), price=int(price * 10**6), trigger_price=int(trigger * 10**6),
                       reduce_only=kind in ("StopLoss", "TakeProfit"), client_order_id=coid, leverage=leverage)


def _place(world: PaperWorld, signer: Signer, order: OrderParams) -> tuple[State, dict[str, Any]]:
    """Places the order; returns the state it was placed on and its OrderPlaced event."""
    before = world.executor.state()
    user = before.user(bytes(signer.pubkey))
    assert user is not None
    out = world.send(signer, world.ixs.place_order(signer.pubkey, signer.pubkey, SOL, user.next_order_id,
                                                   world.price_account("SOL/USD"), order))
    assert out.ok, out.failure
    placed = next(e for e in out.events if e["type"] == "OrderPlaced")
    return before, placed


def _oracle_to(world: PaperWorld, engine_price: int) -> None:
    world.clock.advance(2)  # a new publish time: ticks are unique per feed and second
    world.price("SOL/USD", engine_price * 100)  # expo -8: 10^-6 engine units × 100


def _keeper_fills(world: PaperWorld, keeper: Keeper) -> list[dict[str, Any]]:
    report = keeper.run_once(int(world.clock().timestamp()))
    return [e for o in report.outcomes for e in o.events if e["type"] == "OrderFilled"]


def _first_oracle(world: PaperWorld, placed: dict[str, Any]) -> int:
    state = world.executor.state()
    order = next(o for o in state.orders if o.id == placed["order_id"] and o.owner == codec.decode_key(placed["owner"]))
    return first_fill_oracle(state.markets[SOL].params, order)


@pytest.mark.parametrize(("side", "price"), [("Buy", 140), ("Sell", 160)], ids=["buy-below", "sell-above"])
def test_an_opening_limit_fills_exactly_as_replayed_at_the_first_price_it_can(
        world: PaperWorld, keeper: Keeper, side: str, price: int) -> None:
    alice = world.trader("alice")
    before, placed = _place(world, alice, _order("Limit", side, 10, 5, price=price))
    assert placed["resting"] and placed["reserved"] > 0
    expected = resting_fill(before, placed)
    assert expected["maker"] and expected["price"] == price * 10**6 and expected["position_margin"] == price * 2 * 10**6
    first = _first_oracle(world, placed)
    _oracle_to(world, first + (1 if side == "Buy" else -1))  # one unit short of it: the keeper can't fill yet
    assert _keeper_fills(world, keeper) == []
    _oracle_to(world, first)
    assert _keeper_fills(world, keeper) == [expected]


def test_a_reducing_limit_with_pending_funding_fills_as_replayed(world: PaperWorld, keeper: Keeper) -> None:
    alice = world.trader("alice")
    _place(world, alice, _order("Market", "Buy", 4, 5, price=0))
    world.clock.advance(3600)  # funding comes due; the keeper settles the market, the position owes it
    world.price("SOL/USD", 150_00000000)
    assert keeper.run_once(int(world.clock().timestamp())).funding == 1
    before, placed = _place(world, alice, _order("Limit", "Sell", 2, 5, price=160, coid=2))
    assert placed["resting"] and placed["reserved"] == 0  # it reduces: nothing set aside
    expected = resting_fill(before, placed)
    assert expected["realized_pnl"] > 0 and expected["position_base"] == 2 * 10**9
    _oracle_to(world, _first_oracle(world, placed))
    assert _keeper_fills(world, keeper) == [expected]


def test_a_stop_loss_fills_as_replayed_when_the_oracle_reaches_its_trigger(world: PaperWorld,
                                                                          keeper: Keeper) -> None:
    alice = world.trader("alice")
    _place(world, alice, _order("Market", "Buy", 2, 5))
    before, placed = _place(world, alice, _order("StopLoss", "Sell", 2, 5, trigger=140, coid=2))
    expected = resting_fill(before, placed)
    assert not expected["maker"] and expected["price"] < 140 * 10**6  # taker, under the oracle by the spread
    assert expected["position_base"] == 0 and expected["realized_pnl"] < 0
    _oracle_to(world, 140 * 10**6)
    assert _keeper_fills(world, keeper) == [expected]


def test_a_limit_the_program_could_never_fill_is_unfillable_and_the_keeper_agrees(world: PaperWorld,
                                                                                 keeper: Keeper) -> None:
    # At the market's maximum leverage the margin is exactly the initial requirement, and a buy limit
    # fills only with the oracle under the limit: the position opens below initial margin, always.
    alice = world.trader("alice")
    before, placed = _place(world, alice, _order("Limit", "Buy", 10, 20, price=140))
    with pytest.raises(UnfillableOrder) as refused:
        resting_fill(before, placed)
    assert refused.value.error_name == "InitialMarginViolated" and "would refuse to fill it" in str(refused.value)
    first = _first_oracle(world, placed)
    _oracle_to(world, first)
    assert _keeper_fills(world, keeper) == []
    _oracle_to(world, first * 9 // 10)  # further through the limit only deepens the loss at the fill
    assert _keeper_fills(world, keeper) == []


def test_only_a_resting_orders_placement_is_accepted(world: PaperWorld) -> None:
    alice = world.trader("alice")
    before = world.executor.state()
    user = before.user(bytes(alice.pubkey))
    out = world.send(alice, world.ixs.place_order(alice.pubkey, alice.pubkey, SOL, user.next_order_id,
                                                  world.price_account("SOL/USD"), _order("Market", "Buy", 1, 5)))
    placed = next(e for e in out.events if e["type"] == "OrderPlaced")
    with pytest.raises(ValueError, match="resting order"):
        resting_fill(before, placed)
