"""Short scripted sequences through both engines, for paths random sequences reach
rarely: a position whose funding rounds to nothing (its funding mark must still
move), the open-order and position limits, a stop triggered exactly at its price.
Every step is compared with the Rust runner, and the step that matters is checked
for the outcome the scenario is about, so a scenario can't drift off its path."""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from pathlib import Path

from quantdesk.engine import (
    AddMarket,
    Err,
    FundingPaid,
    Instruction,
    Ok,
    OracleInput,
    OrderKind,
    Outcome,
    PlaceOrder,
    SettleFunding,
    Side,
    State,
    TriggerOrder,
    apply,
    codec,
)
from tests.quantdesk.engine.walk import FINE_PARAMS
from tests.quantdesk.engine.worlds import ADMIN, ALICE, BOB, NOW, ONE_SOL, SOL_FEED, SOL_PARAMS, USD, pyth, world

Step = tuple[Instruction, OracleInput, int]


def both(binary: Path, start: State, steps: list[Step]) -> list[Outcome]:
    """Runs ``steps`` through both engines, requires identical outcomes, returns Python's."""
    document = {"state": codec.encode_state(start), "steps": [codec.encode_step(*s) for s in steps]}
    done = subprocess.run([str(binary)], input=json.dumps(document), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    outcomes, state = [], start
    for i, ((ix, oracle, now), theirs) in enumerate(zip(steps, json.loads(done.stdout)["results"], strict=True)):
        outcome = apply(state, ix, oracle, now)
        assert codec.encode_outcome(outcome) == theirs, f"step {i} ({ix.TYPE})"
        outcomes.append(outcome)
        if isinstance(outcome, Ok):
            state = outcome.state
    return outcomes


def order(
    owner: bytes, market: int, kind: OrderKind, side: Side, size: int, price: int = 0, trigger: int = 0
) -> PlaceOrder:
    return PlaceOrder(owner, owner, market, kind, side, size, price, trigger, False, 0, 5)


def test_a_position_owing_no_funding_still_moves_its_funding_mark(engine_runner: Path) -> None:
    # FINE: 9 decimals, tick and lot of one unit, 10-minute funding up to 0.1%.
    # Alice 1000 units long, bob 0.0001 unit short at 2.5 USD: the rate is ~0.1% and the
    # index moves by ~2.5e12 per interval; bob owes ceil(-1e5 × 2.5e12 / 1e18) = 0, yet
    # touching his position must mark it settled at the new index.
    fine = pyth(FINE_PARAMS.pyth_feed_id, 2_500_000)
    later = NOW + 600
    fine_later = pyth(FINE_PARAMS.pyth_feed_id, 2_500_000, later)
    steps: list[Step] = [
        (AddMarket(ADMIN, FINE_PARAMS), fine, NOW),
        (order(ALICE, 2, OrderKind.MARKET, Side.BUY, 10**12), fine, NOW),
        (order(BOB, 2, OrderKind.MARKET, Side.SELL, 10**5), fine, NOW),
        (SettleFunding(2), fine_later, later),
        (order(BOB, 2, OrderKind.MARKET, Side.SELL, 10**5), fine_later, later),
        (order(ALICE, 2, OrderKind.MARKET, Side.BUY, 10**5), fine_later, later),
    ]
    outcomes = both(engine_runner, world(), steps)
    assert all(isinstance(o, Ok) for o in outcomes)
    bob_grows, alice_grows = outcomes[4], outcomes[5]
    assert isinstance(bob_grows, Ok) and isinstance(alice_grows, Ok)
    assert not any(isinstance(e, FundingPaid) for e in bob_grows.events)
    market = bob_grows.state.markets[2]
    assert market.cumulative_funding != 0
    bob = bob_grows.state.users[1]
    assert bob.positions[0].last_cumulative_funding == market.cumulative_funding
    assert any(isinstance(e, FundingPaid) and e.amount > 0 for e in alice_grows.events)


def test_the_seventeenth_resting_order_is_refused(engine_runner: Path) -> None:
    sol = pyth(SOL_FEED, 100 * USD)
    steps: list[Step] = [
        (order(ALICE, 0, OrderKind.LIMIT, Side.BUY, ONE_SOL // 100, (50 + i) * USD), sol, NOW) for i in range(17)
    ]
    outcomes = both(engine_runner, world(), steps)
    assert all(isinstance(o, Ok) for o in outcomes[:16])
    last = outcomes[16]
    assert isinstance(last, Err) and (last.name, last.limit, last.value) == ("TooManyOpenOrders", 16, 17)


def test_the_ninth_position_is_refused(engine_runner: Path) -> None:
    # Markets 2..8 are SOL copies on the same feed, so one oracle update prices them all.
    sol = pyth(SOL_FEED, 100 * USD)
    listings: list[Step] = [(AddMarket(ADMIN, replace(SOL_PARAMS, symbol=f"SOL{i}")), sol, NOW) for i in range(2, 10)]
    opens: list[Step] = [
        (order(ALICE, m, OrderKind.MARKET, Side.BUY, ONE_SOL // 10), sol, NOW) for m in (0, *range(2, 10))
    ]
    outcomes = both(engine_runner, world(), listings + opens)
    assert all(isinstance(o, Ok) for o in outcomes[:-1])
    last = outcomes[-1]
    assert isinstance(last, Err) and (last.name, last.limit, last.value) == ("TooManyPositions", 8, 9)


def test_a_stop_triggers_exactly_at_its_price_and_not_one_unit_above(engine_runner: Path) -> None:
    sol = pyth(SOL_FEED, 100 * USD)

    def at(price: int) -> OracleInput:
        return OracleInput(SOL_FEED, price, 1, -6, NOW, True)

    steps: list[Step] = [
        (order(ALICE, 0, OrderKind.MARKET, Side.BUY, ONE_SOL), sol, NOW),
        (order(ALICE, 0, OrderKind.STOP_LOSS, Side.SELL, ONE_SOL, trigger=95 * USD), sol, NOW),
        (TriggerOrder(ALICE, 1), at(95 * USD + 1), NOW),
        (TriggerOrder(ALICE, 1), at(95 * USD), NOW),
    ]
    outcomes = both(engine_runner, world(), steps)
    early, due = outcomes[2], outcomes[3]
    assert isinstance(early, Err) and (early.name, early.limit, early.value) == (
        "OrderNotTriggerable",
        95 * USD,
        95 * USD + 1,
    )
    assert isinstance(due, Ok) and due.state.orders == ()
