"""Key numbers worked out by hand (in the comments) and checked against the Python
engine: the same cases and numbers as programs/perp_engine/tests/hand_computed.rs,
so this mirror is anchored to arithmetic done independently of any engine.

The world is perp_engine's ``tests/common``: keys are 32 copies of one byte, SOL
only, alice and bob with 10k USDC each, oracle updates with exponent -6.
"""

from __future__ import annotations

from dataclasses import replace

from quantdesk.engine import (
    AddMarket,
    ClosePosition,
    CreateUser,
    Deposit,
    FundingPaid,
    FundingSettled,
    FundPool,
    InitializeExchange,
    Instruction,
    Liquidate,
    Liquidated,
    Ok,
    OracleInput,
    OrderFilled,
    OrderKind,
    PlaceOrder,
    Pool,
    Position,
    SettleFunding,
    Side,
    State,
    TriggerOrder,
    apply,
    base_unit,
    equity,
    is_liquidatable,
    liquidation_price,
    requirement,
    value,
)
from tests.quantdesk.engine.worlds import EXCHANGE_PARAMS, SOL_PARAMS

NOW = 1_700_000_000
ONE_SOL = 1_000_000_000
USD = 1_000_000
FEED = bytes([0xEF] * 32)
ADMIN, ALICE, BOB = bytes([1] * 32), bytes([2] * 32), bytes([3] * 32)
SOL = replace(SOL_PARAMS, pyth_feed_id=FEED)


def at(price: int) -> OracleInput:
    return OracleInput(feed_id=FEED, price=price, conf=1, exponent=-6, publish_time=NOW, fully_verified=True)


def step(state: State, ix: Instruction, oracle: OracleInput, now: int = NOW) -> Ok:
    outcome = apply(state, ix, oracle, now)
    assert isinstance(outcome, Ok), outcome
    return outcome


def world() -> State:
    """1M USDC liquidity, 10k insurance; alice and bob with 10k USDC each."""
    s = State()
    for ix in (
        InitializeExchange(signer=ADMIN, collateral_mint=bytes([9] * 32), params=EXCHANGE_PARAMS),
        AddMarket(signer=ADMIN, params=SOL),
        FundPool(signer=ADMIN, pool=Pool.LIQUIDITY, amount=1_000_000 * USD),
        FundPool(signer=ADMIN, pool=Pool.INSURANCE, amount=10_000 * USD),
        CreateUser(signer=ALICE, delegate=None),
        Deposit(owner=ALICE, amount=10_000 * USD),
        CreateUser(signer=BOB, delegate=None),
        Deposit(owner=BOB, amount=10_000 * USD),
    ):
        s = step(s, ix, at(100 * USD)).state
    return s


def order(owner: bytes, kind: OrderKind, side: Side, size: int, price: int, leverage: int) -> PlaceOrder:
    return PlaceOrder(
        signer=owner,
        owner=owner,
        market_index=0,
        kind=kind,
        side=side,
        size=size,
        price=price,
        trigger_price=0,
        reduce_only=False,
        client_order_id=0,
        leverage=leverage,
    )


def close(owner: bytes, size: int = 0) -> ClosePosition:
    return ClosePosition(signer=owner, owner=owner, market_index=0, size=size, price_limit=0)


def five_x_long() -> State:
    """Alice opens 1 SOL long at 5x with the oracle at 100."""
    return step(world(), order(ALICE, OrderKind.MARKET, Side.BUY, ONE_SOL, 0, 5), at(100 * USD)).state


def test_opening_a_5x_long_locks_margin_and_charges_the_taker_fee() -> None:
    # Fill: 100 × (1 + 0.0005) = 100.05, already on the 0.001 tick.
    # Cost basis 1 SOL × 100.05 = 100.05 USDC; margin 100.05 / 5 = 20.01 USDC.
    # Taker fee 100.05 × 0.0005 = 0.050025; 20% (0.010005) to insurance, 0.04002 to the vault.
    before, after = world(), five_x_long()
    p = after.users[0].positions[0]
    assert (p.base, p.quote_entry, p.margin) == (1_000_000_000, 100_050_000, 20_010_000)
    assert before.users[0].collateral - after.users[0].collateral == 20_010_000 + 50_025
    assert before.exchange is not None and after.exchange is not None
    assert after.exchange.insurance_fund - before.exchange.insurance_fund == 10_005
    assert after.exchange.liquidity_vault - before.exchange.liquidity_vault == 40_020
    assert after.markets[0].long_open_interest == ONE_SOL


def test_liquidation_price_of_the_5x_long() -> None:
    # Liquidatable when margin + (P − entry) < mmr × P:
    #   20.01 + P − 100.05 < 0.025 P  ⇔  P < 80.04 / 0.975 = 82.0923076…
    s = five_x_long()
    assert liquidation_price(s.users[0].positions[0], s.markets[0].params, 0) == 82_092_307


def test_a_position_at_its_liquidation_price_is_at_maintenance_margin_within_one_unit() -> None:
    unit = base_unit(SOL)
    for p in (
        Position(0, 1_000_000_000, 100_050_000, 20_010_000, 0),
        Position(0, 10_000_000, 1_000_501, 50_026, 0),
        Position(0, -2_370_000_000, -236_881_500, 33_840_215, 0),
        Position(0, 123_450_000_000, 12_345_000_000, 617_250_000, 0),
    ):
        liq = liquidation_price(p, SOL, 0)
        assert liq > 0
        gap = requirement(value(p.base, liq, unit), SOL.maintenance_margin_ppm) - equity(p, liq, 0, unit)
        # Past maintenance by no more than one price unit's worth of the position
        # (|base| / 10^decimals, rounded up) plus one unit of rounding.
        one_price_unit = -(-abs(p.base) // unit)
        assert 0 < gap <= one_price_unit + 1, f"base {p.base}: gap {gap}"
        safe_side = liq + 1 if p.base > 0 else liq - 1
        assert is_liquidatable(p, SOL, liq, 0) and not is_liquidatable(p, SOL, safe_side, 0)


def test_liquidation_at_82_splits_the_one_percent_fee() -> None:
    # At 82: realized = 82 − 100.05 = −18.05; equity = 20.01 − 18.05 = 1.96 < 2.5% × 82 = 2.05.
    # Fee 1% × 82 = 0.82: 0.41 to bob, 0.41 to insurance; alice gets 1.96 − 0.82 = 1.14;
    # the vault gains the 18.05 loss.
    before = five_x_long()
    done = step(before, Liquidate(signer=BOB, owner=ALICE, market_index=0), at(82 * USD))
    event = done.events[0]
    assert isinstance(event, Liquidated)
    assert (event.liquidation_fee, event.liquidator_reward, event.insurance_fee) == (820_000, 410_000, 410_000)
    assert (event.payout, event.bad_debt, event.realized_pnl) == (1_140_000, 0, -18_050_000)
    after = done.state
    assert after.users[0].collateral - before.users[0].collateral == 1_140_000
    assert after.users[1].collateral - before.users[1].collateral == 410_000
    assert before.exchange is not None and after.exchange is not None
    assert after.exchange.insurance_fund - before.exchange.insurance_fund == 410_000
    assert after.exchange.liquidity_vault - before.exchange.liquidity_vault == 18_050_000
    assert after.users[0].positions == ()


def test_longs_pay_funding_when_they_dominate() -> None:
    # Only longs: rate = max = 0.01% per hour. Two hours at 100 on 1 SOL:
    # 1 × 100 × 0.0001 × 2 = 0.02 USDC, from the position's margin to the vault.
    later = NOW + 2 * 3_600
    settled = step(five_x_long(), SettleFunding(market_index=0), replace(at(100 * USD), publish_time=later), later)
    event = settled.events[0]
    assert isinstance(event, FundingSettled) and (event.rate, event.intervals) == (100_000, 2)
    closed = step(settled.state, close(ALICE), replace(at(100 * USD), publish_time=later), later)
    assert closed.events[0] == FundingPaid(owner=ALICE, market_index=0, amount=20_000)


def test_shorts_receive_funding_rounded_down_and_longs_pay_rounded_up() -> None:
    # 2 SOL long (alice) vs 1 SOL short (bob): rate = 100000 × (2 − 1) / 3 = 33333 (1e-9).
    # After one hour the long owes 2 × 33333e-9 × 100 = 0.0066666 → 0.006667 (up);
    # the short receives 0.0033333 → 0.003333 (down).
    s = step(world(), order(ALICE, OrderKind.MARKET, Side.BUY, 2 * ONE_SOL, 0, 5), at(100 * USD)).state
    s = step(s, order(BOB, OrderKind.MARKET, Side.SELL, ONE_SOL, 0, 5), at(100 * USD)).state
    later = NOW + 3_600
    oracle = replace(at(100 * USD), publish_time=later)
    s = step(s, SettleFunding(market_index=0), oracle, later).state
    assert step(s, close(ALICE), oracle, later).events[0] == FundingPaid(owner=ALICE, market_index=0, amount=6_667)
    assert step(s, close(BOB), oracle, later).events[0] == FundingPaid(owner=BOB, market_index=0, amount=-3_333)


def test_a_negative_funding_rate_truncates_toward_zero() -> None:
    # 1 SOL long vs 2 SOL short: 100000 × (1 − 2) / 3 = −33333.3 → −33333 (toward zero,
    # symmetric with the positive case), not −33334 as floor division would give.
    s = step(world(), order(ALICE, OrderKind.MARKET, Side.BUY, ONE_SOL, 0, 5), at(100 * USD)).state
    s = step(s, order(BOB, OrderKind.MARKET, Side.SELL, 2 * ONE_SOL, 0, 5), at(100 * USD)).state
    later = NOW + 3_600
    event = step(s, SettleFunding(market_index=0), replace(at(100 * USD), publish_time=later), later).events[0]
    assert isinstance(event, FundingSettled) and event.rate == -33_333


def test_partial_close_of_the_5x_long() -> None:
    # Close 0.3 SOL at 110: taker sell 110 × 0.9995 = 109.945. Exit value 32.9835; basis
    # removed 0.3 × 100.05 = 30.015; realized 2.9685; fee 32.9835 × 0.0005 = 0.01649175
    # → 0.016492 (up). Margin after: 20.01 + 2.9685 − 0.016492 = 22.962008; 30% returns:
    # 6.8886024 → 6.888602 (down); 16.073406 stays with 0.7 SOL.
    before = five_x_long()
    done = step(before, close(ALICE, 300_000_000), at(110 * USD))
    event = done.events[0]
    assert isinstance(event, OrderFilled)
    assert (event.price, event.realized_pnl, event.fee) == (109_945_000, 2_968_500, 16_492)
    assert done.state.users[0].collateral - before.users[0].collateral == 6_888_602
    p = done.state.users[0].positions[0]
    assert (p.base, p.quote_entry, p.margin) == (700_000_000, 70_035_000, 16_073_406)


def test_resting_limit_buy_fills_at_its_limit_with_the_maker_fee() -> None:
    # Buy 1 SOL limit at 95 with the oracle at 100 rests: reserved = 95/5 + 95 × 0.0002
    # = 19.019 USDC. At 94.9 the taker buy 94.9 × 1.0005 = 94.94745 → 94.948 ≤ 95, so it
    # fills at 95 as maker, using exactly the reservation.
    s = world()
    resting = step(s, order(ALICE, OrderKind.LIMIT, Side.BUY, ONE_SOL, 95 * USD, 5), at(100 * USD)).state
    assert resting.orders[0].reserved == 19_019_000
    assert s.users[0].collateral - resting.users[0].collateral == 19_019_000
    filled = step(resting, TriggerOrder(owner=ALICE, order_id=0), at(94_900_000))
    event = filled.events[0]
    assert isinstance(event, OrderFilled) and (event.price, event.maker, event.fee) == (95_000_000, True, 19_000)
    assert filled.state.users[0].collateral == resting.users[0].collateral
    assert filled.state.orders == ()
