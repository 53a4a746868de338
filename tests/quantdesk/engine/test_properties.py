"""Properties of the Python engine alone, over random sequences and positions:

- collateral is conserved: free collateral + position margins + order reservations
  + liquidity vault + insurance fund changes only by the amount of a deposit,
  withdrawal or pool funding;
- open interest, open-order counters and position lists stay consistent;
- every position's liquidation price is exactly the boundary: liquidatable there,
  safe one price unit (and one tick) on the other side, and below maintenance by
  at most one price unit's worth of the position (plus, for a short, that unit's
  maintenance requirement — see ``test_rounding_edges``).
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import example, given, settings
from hypothesis import strategies as st

from quantdesk.engine import (
    MAX_POSITIONS,
    MAX_PRICE,
    Deposit,
    FundPool,
    Instruction,
    MarketParams,
    Ok,
    Position,
    State,
    Withdraw,
    base_unit,
    equity,
    is_liquidatable,
    liquidation_price,
    pending_funding,
    requirement,
    value,
)
from tests.quantdesk.engine.sequences import run_sequence, setup
from tests.quantdesk.engine.worlds import SOL_PARAMS, decode_case, vector_cases

VECTOR_STARTS = [state for state, *_ in (decode_case(c.raw) for c in vector_cases()) if state.exchange is not None]
PROPERTY_SETTINGS = settings(max_examples=120, deadline=None, derandomize=True, database=None)


def external_flow(ix: Instruction) -> int:
    """How much an instruction may change the total: its amount for money moving in or
    out of the program, zero for everything else."""
    if isinstance(ix, (Deposit, FundPool)):
        return ix.amount
    if isinstance(ix, Withdraw):
        return -ix.amount
    return 0


def check_invariants(state: State) -> None:
    for market in state.markets:
        bases = [p.base for u in state.users for p in u.positions if p.market_index == market.index]
        assert market.long_open_interest == sum(b for b in bases if b > 0)
        assert market.short_open_interest == sum(-b for b in bases if b < 0)
    for user in state.users:
        assert user.open_orders == sum(1 for o in state.orders if o.owner == user.owner)
        indexes = [p.market_index for p in user.positions]
        assert indexes == sorted(set(indexes)) and len(indexes) <= MAX_POSITIONS
        for p in user.positions:
            market = state.markets[p.market_index]
            assert p.base != 0 and abs(p.base) % market.params.lot_size == 0
            check_liquidation_boundary(p, market.params, pending_funding(p, market))


def check_liquidation_boundary(p: Position, params: MarketParams, pending: int) -> None:
    liq = liquidation_price(p, params, pending)
    if liq == 0:
        # No price liquidates it: safe at the far end of the range.
        assert not is_liquidatable(p, params, 1 if p.base > 0 else MAX_PRICE, pending)
        return
    assert is_liquidatable(p, params, liq, pending)
    for step in (1, params.tick_size):
        safe = liq + step if p.base > 0 else liq - step
        if 1 <= safe <= MAX_PRICE:
            assert not is_liquidatable(p, params, safe, pending), f"{p} liquidatable at {safe} (liq {liq})"
    unit = base_unit(params)
    gap = requirement(value(p.base, liq, unit), params.maintenance_margin_ppm) - equity(p, liq, pending, unit)
    one_price_unit = -(-abs(p.base) // unit)
    if 1 < liq < MAX_PRICE:
        bound = (
            one_price_unit
            if p.base > 0
            else one_price_unit + requirement(one_price_unit, params.maintenance_margin_ppm)
        )
        assert 0 < gap <= bound, f"{p}: gap {gap} > {bound} at {liq}"


@PROPERTY_SETTINGS
@given(st.data())
def test_collateral_is_conserved_and_invariants_hold(data: st.DataObject) -> None:
    if data.draw(st.booleans()):
        start, prefix = State(), tuple(setup(data))
    else:
        start, prefix = data.draw(st.sampled_from(VECTOR_STARTS)), ()
    walk = run_sequence(data, start, 40, prefix)
    before = start
    for ix, _, _, outcome in walk.steps:
        if isinstance(outcome, Ok):
            assert outcome.state.total_collateral() - before.total_collateral() == external_flow(ix), ix
            check_invariants(outcome.state)
            before = outcome.state


def _bisected(p: Position, params: MarketParams, pending: int) -> int:
    """The liquidation price from its definition by a plain bisection over [1, MAX_PRICE]."""

    def liq(x: int) -> bool:
        return is_liquidatable(p, params, x, pending)

    if p.base > 0:
        if not liq(1):
            return 0
        lo, hi = 1, MAX_PRICE + 1
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if liq(mid) else (lo, mid)
        return lo
    if not liq(MAX_PRICE):
        return 0
    lo, hi = 0, MAX_PRICE
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if liq(mid) else (mid, hi)
    return max(hi, 1)


positions = st.builds(
    lambda sign, size, entry, margin_ppm: (sign, size, entry, margin_ppm),
    st.sampled_from((1, -1)),
    st.integers(1, 10**14),
    st.integers(1_000, 10**10),
    st.integers(-200_000, 1_200_000),
)


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(
    position=positions,
    decimals=st.sampled_from((0, 6, 8, 9, 12)),
    margins=st.sampled_from(((40_000, 25_000), (100_000, 50_000), (1_000_000, 999_999), (10_000, 1))),
    tick=st.sampled_from((1, 1_000, 100_000)),
    pending=st.integers(-(10**9), 10**9),
)
@example(position=(-1, 881_444_383_918, 985_031, 507_135), decimals=9, margins=(40_000, 25_000), tick=1_000, pending=0)
def test_liquidation_price_is_the_maintenance_boundary(
    position: tuple[int, int, int, int], decimals: int, margins: tuple[int, int], tick: int, pending: int
) -> None:
    sign, size, entry, margin_ppm = position
    initial, maintenance = margins
    params = replace(
        SOL_PARAMS,
        base_decimals=decimals,
        initial_margin_ppm=initial,
        maintenance_margin_ppm=maintenance,
        tick_size=tick,
    )
    unit = base_unit(params)
    base = sign * size
    quote_entry = -(-(base * entry) // unit)
    margin = abs(quote_entry) * margin_ppm // 1_000_000
    if max(abs(base), abs(quote_entry), abs(margin)) >= 1 << 63:
        return
    p = Position(market_index=0, base=base, quote_entry=quote_entry, margin=margin, last_cumulative_funding=0)
    check_liquidation_boundary(p, params, pending)
    assert liquidation_price(p, params, pending) == _bisected(p, params, pending)
