"""Edges where the engine (Rust and this mirror alike) does something SPEC.md's prose
does not say: two rounding edges, and an unchecked subtraction on which the Rust
engine panics instead of reporting MathOverflow. Each test pins what the engine does
and says where SPEC differs."""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from quantdesk.engine import (
    AddMarket,
    ClosePosition,
    CreateUser,
    Deposit,
    EnginePanic,
    FundPool,
    InitializeExchange,
    Instruction,
    Ok,
    OracleInput,
    OrderKind,
    PlaceOrder,
    Pool,
    Position,
    SettleFunding,
    Side,
    State,
    apply,
    base_unit,
    codec,
    equity,
    is_liquidatable,
    liquidation_price,
    requirement,
    value,
)
from tests.quantdesk.engine.worlds import ADMIN, ALICE, EXCHANGE_PARAMS, NOW, SOL_FEED, SOL_PARAMS, USD, key, pyth

# A market whose grid allows sub-unit notionals: tick and lot of one unit, no fees.
FINE = replace(SOL_PARAMS, symbol="FINE", tick_size=1, lot_size=1, taker_fee_ppm=0, maker_fee_ppm=0, spread_ppm=0)


def _oracle(price: int) -> OracleInput:
    return OracleInput(FINE.pyth_feed_id, price, 1, -6, NOW, True)


def _run(*instructions: Instruction) -> Ok:
    state, done = State(), None
    for ix in instructions:
        outcome = apply(state, ix, _oracle(100 * USD), NOW)
        assert isinstance(outcome, Ok), outcome
        state, done = outcome.state, outcome
    assert done is not None
    return done


def test_a_partial_close_can_leave_a_long_with_a_zero_cost_basis() -> None:
    # Buy 3 base units at 100: basis ceil(3 × 100e6 / 1e9) = 1. Closing 1 removes
    # ceil(1 × 1 / 3) = 1, so 2 base units stay with quote_entry 0 (and margin 0).
    # SPEC.md section 4 lists `sign(quote_entry) == sign(base)` as an invariant; it
    # holds only while a position's notional is at least one collateral unit.
    done = _run(
        InitializeExchange(signer=ADMIN, collateral_mint=key("usdc-mint"), params=EXCHANGE_PARAMS),
        AddMarket(signer=ADMIN, params=FINE),
        FundPool(signer=ADMIN, pool=Pool.LIQUIDITY, amount=10**12),
        CreateUser(signer=ALICE, delegate=None),
        Deposit(owner=ALICE, amount=10**9),
        PlaceOrder(ALICE, ALICE, 0, OrderKind.MARKET, Side.BUY, 3, 0, 0, False, 0, 1),
        ClosePosition(signer=ALICE, owner=ALICE, market_index=0, size=1, price_limit=0),
    )
    assert done.state.users[0].positions == (
        Position(market_index=0, base=2, quote_entry=0, margin=0, last_cumulative_funding=0),
    )


def test_a_large_short_can_sit_further_below_maintenance_than_one_price_unit() -> None:
    # 881.444383918 SOL short, basis −868.259738, margin 440.332376 (2.5% maintenance).
    # Liquidation price 1.448391: at 1.448390 maintenance 31.916881 ≤ equity 31.916882;
    # at 1.448391 maintenance 31.916903 > equity 31.916001, a gap of 902 units.
    # SPEC.md 5.4 bounds the gap by ceil(|b| / D) + 1 = 883. For a short the next price
    # unit also raises the requirement, so the bound is ceil(|b|/D) + ceil(ceil(|b|/D) × mmr)
    # = 882 + 23 = 905 (for a long, ceil(|b|/D) = 882).
    p = Position(
        market_index=0, base=-881_444_383_918, quote_entry=-868_259_738, margin=440_332_376, last_cumulative_funding=0
    )
    unit = base_unit(SOL_PARAMS)
    liq = liquidation_price(p, SOL_PARAMS, 0)
    assert liq == 1_448_391
    assert is_liquidatable(p, SOL_PARAMS, liq, 0) and not is_liquidatable(p, SOL_PARAMS, liq - 1, 0)
    maintenance = requirement(value(p.base, liq, unit), SOL_PARAMS.maintenance_margin_ppm)
    assert (maintenance, equity(p, liq, 0, unit)) == (31_916_903, 31_916_001)
    one_price_unit = -(-abs(p.base) // unit)
    gap = maintenance - equity(p, liq, 0, unit)
    assert one_price_unit + 1 < gap <= one_price_unit + requirement(one_price_unit, SOL_PARAMS.maintenance_margin_ppm)


def test_funding_a_clock_more_than_2_63_seconds_after_the_last_settlement_panics_as_in_rust(
    engine_runner: Path,
) -> None:
    # keeper.rs computes `now - market.last_funding_ts` unchecked: Rust panics
    # ("attempt to subtract with overflow") where SPEC.md section 6 promises MathOverflow
    # for any result that does not fit. The mirror raises EnginePanic at the same step.
    early, late = -(2**62) - 10, 2**62 + 10
    steps: list[tuple[Instruction, int]] = [
        (InitializeExchange(signer=ADMIN, collateral_mint=key("usdc-mint"), params=EXCHANGE_PARAMS), early),
        (AddMarket(signer=ADMIN, params=SOL_PARAMS), early),
        (SettleFunding(market_index=0), late),
    ]
    document = {
        "state": codec.encode_state(State()),
        "steps": [codec.encode_step(ix, pyth(SOL_FEED, 100 * USD, now), now) for ix, now in steps],
    }
    rust = subprocess.run([str(engine_runner)], input=json.dumps(document), capture_output=True, text=True, timeout=60)
    assert rust.returncode == 101 and "attempt to subtract with overflow" in rust.stderr

    state = State()
    for ix, now in steps[:2]:
        outcome = apply(state, ix, pyth(SOL_FEED, 100 * USD, now), now)
        assert isinstance(outcome, Ok)
        state = outcome.state
    with pytest.raises(EnginePanic):
        apply(state, steps[2][0], pyth(SOL_FEED, 100 * USD, late), late)
