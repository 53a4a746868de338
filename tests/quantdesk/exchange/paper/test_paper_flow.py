"""The paper venue end to end with real signed transactions."""

from __future__ import annotations

from quantdesk.exchange import OrderParams
from tests.quantdesk.exchange.paper.conftest import PaperWorld


def test_bootstrap_lists_the_markets_and_funds_the_pools(world: PaperWorld) -> None:
    state = world.executor.state()
    assert [m.params.symbol for m in state.markets] == ["SOL-PERP", "BTC-PERP", "ETH-PERP"]
    assert state.exchange is not None and state.exchange.liquidity_vault == 10_000_000 * 10**6


def test_a_market_long_opens_a_position_at_the_oracle_plus_spread(world: PaperWorld) -> None:
    alice = world.trader("alice", usdc=10_000)
    order = OrderParams("Market", "Buy", size=2 * 10**9, price=0, trigger_price=0, reduce_only=False,
                        client_order_id=1, leverage=5)
    outcome = world.send(alice, world.ixs.place_order(alice.pubkey, alice.pubkey, 0, 0,
                                                      world.price_account("SOL/USD"), order))
    assert outcome.ok, outcome.failure
    filled = next(e for e in outcome.events if e["type"] == "OrderFilled")
    # 150 * (1 + 0.0003) = 150.045, rounded up to the 0.001 tick.
    assert filled["price"] == 150_045_000
    user = next(u for u in world.executor.state().users if u.owner == bytes(alice.pubkey))
    (position,) = user.positions
    assert position.base == 2 * 10**9
    notional = 300_090_000  # 2 × 150.045 in 1e-6 USD
    assert position.margin == notional // 5 + (notional % 5 > 0)
    fee = -(-notional * 500 // 1_000_000)
    assert user.collateral == 10_000 * 10**6 - position.margin - fee
