"""Which error wins when several apply: for every instruction, every single fault and
every pair of faults, the Python engine and the Rust runner must report the same
outcome. Each fault is one wrong thing (a missing account, a wrong signer, a pause, a
bad argument, a faulty oracle, a state that refuses the request); a pair shows the
order of the two checks, so all pairs cover the whole order of checks.

Every single fault is first shown to fail on its own in Python (so no "fault" is
silently valid), then all requests of one pause variant go to the runner in one
document and are compared step by step.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest

from quantdesk.engine import (
    AddMarket,
    CancelOrder,
    ClosePosition,
    CreateUser,
    Deposit,
    Err,
    FundPool,
    InitializeExchange,
    Liquidate,
    Ok,
    OracleInput,
    OrderKind,
    PlaceOrder,
    Pool,
    SetDelegate,
    SetPaused,
    SettleFunding,
    Side,
    State,
    TriggerOrder,
    Withdraw,
    apply,
    codec,
)
from tests.quantdesk.engine.worlds import (
    ADMIN,
    ALICE,
    BOB,
    BTC_FEED,
    CAROL,
    DAVE,
    EXCHANGE_PARAMS,
    MALLORY,
    NOW,
    ONE_SOL,
    SOL_FEED,
    SOL_PARAMS,
    USD,
    key,
    pyth,
    step,
    world,
)

U64_MAX = (1 << 64) - 1


@dataclass(frozen=True)
class Request:
    instruction: Any  # an Instruction; Any so faults can replace() any field
    oracle: OracleInput
    now: int = NOW
    exchange_paused: bool = False
    market_paused: bool = False
    empty: bool = False  # start from no exchange at all


Fault = Callable[[Request], Request]


def _ix(**changes: Any) -> Fault:
    return lambda r: replace(r, instruction=replace(r.instruction, **changes))


def _param(**changes: Any) -> Fault:
    """A market parameter of an add_market request."""
    return lambda r: replace(r, instruction=replace(r.instruction, params=replace(r.instruction.params, **changes)))


def _oracle(**changes: Any) -> Fault:
    return lambda r: replace(r, oracle=replace(r.oracle, **changes))


def _at_price(price: int) -> Fault:
    return lambda r: replace(r, oracle=pyth(SOL_FEED, price, r.now))


PAUSES: dict[str, Fault] = {
    "exchange paused": lambda r: replace(r, exchange_paused=True),
    "market paused": lambda r: replace(r, market_paused=True),
}
ORACLE: dict[str, Fault] = {
    "feed mismatch": _oracle(feed_id=BTC_FEED),
    "not verified": _oracle(fully_verified=False),
    "price zero": _oracle(price=0),
    "exponent -19": _oracle(exponent=-19),
    "below one unit": _oracle(price=99),
    "stale": lambda r: replace(r, oracle=replace(r.oracle, publish_time=r.now - 61)),
    "confidence too wide": lambda r: replace(r, oracle=replace(r.oracle, conf=r.oracle.price // 50)),
}


def base_world() -> State:
    """world() plus alice's 1 SOL 5x long, a resting limit buy at 90 (order 1) and a
    stop-loss sell triggered at or below 95 (order 2)."""
    sol = pyth(SOL_FEED, 100 * USD)
    s = world()
    for ix in (
        PlaceOrder(ALICE, ALICE, 0, OrderKind.MARKET, Side.BUY, ONE_SOL, 0, 0, False, 1, 5),
        PlaceOrder(ALICE, ALICE, 0, OrderKind.LIMIT, Side.BUY, ONE_SOL, 90 * USD, 0, False, 2, 5),
        PlaceOrder(ALICE, ALICE, 0, OrderKind.STOP_LOSS, Side.SELL, ONE_SOL, 0, 95 * USD, False, 3, 5),
    ):
        s = step(s, ix, sol).state
    return s


BASE = base_world()
SOL_AT_100 = pyth(SOL_FEED, 100 * USD)
HOUR_LATER = NOW + 3_600

# instruction name → (the valid request, its faults)
CASES: dict[str, tuple[Request, dict[str, Fault]]] = {
    "initialize_exchange": (
        Request(InitializeExchange(ADMIN, key("usdc-mint"), EXCHANGE_PARAMS), SOL_AT_100, empty=True),
        {
            "exists": lambda r: replace(r, empty=False),
            "liquidation fee": _ix(params=replace(EXCHANGE_PARAMS, liquidation_fee_ppm=100_001)),
            "liquidator share": _ix(params=replace(EXCHANGE_PARAMS, liquidator_share_ppm=1_000_001)),
            "insurance share": _ix(params=replace(EXCHANGE_PARAMS, insurance_fee_share_ppm=1_000_001)),
        },
    ),
    "add_market": (
        Request(AddMarket(ADMIN, replace(SOL_PARAMS, symbol="ETH-PERP")), SOL_AT_100),
        {
            "not admin": _ix(signer=ALICE),
            "no exchange": lambda r: replace(r, empty=True),
            "symbol": _param(symbol="A B"),
            "base_decimals": _param(base_decimals=13),
            "max_leverage": _param(max_leverage=0),
            "initial_margin": _param(initial_margin_ppm=50_001),
            "maintenance_margin": _param(maintenance_margin_ppm=40_000),
            "tick": _param(tick_size=0),
            "lot": _param(lot_size=0),
            "taker fee": _param(taker_fee_ppm=100_001),
            "maker fee": _param(maker_fee_ppm=501),
            "spread": _param(spread_ppm=100_001),
            "max age": _param(oracle_max_age_secs=0),
            "confidence": _param(max_conf_ppm=0),
            "interval": _param(funding_interval_secs=0),
            "funding rate": _param(max_funding_rate=-1),
        },
    ),
    "set_paused": (
        Request(SetPaused(ADMIN, 0, True), SOL_AT_100),
        {
            "not admin": _ix(signer=ALICE),
            "no market": _ix(market_index=7),
            "no exchange": lambda r: replace(r, empty=True),
        },
    ),
    "fund_pool": (
        Request(FundPool(ADMIN, Pool.INSURANCE, USD), SOL_AT_100),
        {"not admin": _ix(signer=BOB), "zero": _ix(amount=0), "overflow": _ix(amount=U64_MAX)},
    ),
    "create_user": (
        Request(CreateUser(CAROL, DAVE), SOL_AT_100),
        {
            "exists": _ix(signer=ALICE, delegate=BOB),
            "self delegate": _ix(delegate=CAROL),
            "no exchange": lambda r: replace(r, empty=True),
        },
    ),
    "set_delegate": (
        Request(SetDelegate(ALICE, ALICE, CAROL), SOL_AT_100),
        {
            "no owner": _ix(owner=MALLORY),
            "stranger": _ix(signer=BOB),
            "delegate signs": _ix(signer=DAVE),
            "self delegate": _ix(delegate=ALICE),
        },
    ),
    "deposit": (
        Request(Deposit(ALICE, USD), SOL_AT_100),
        {
            "no owner": _ix(owner=MALLORY),
            "exchange paused": PAUSES["exchange paused"],
            "zero": _ix(amount=0),
            "overflow": _ix(amount=U64_MAX),
        },
    ),
    "withdraw": (
        Request(Withdraw(ALICE, ALICE, USD), SOL_AT_100),
        {
            "no owner": _ix(owner=MALLORY),
            "stranger": _ix(signer=BOB),
            "delegate": _ix(signer=DAVE),
            "exchange paused": PAUSES["exchange paused"],
            "zero": _ix(amount=0),
            "more than free": _ix(amount=10_000 * USD),
        },
    ),
    "place_order": (
        Request(PlaceOrder(ALICE, ALICE, 0, OrderKind.MARKET, Side.BUY, ONE_SOL, 0, 0, False, 9, 5), SOL_AT_100),
        {
            "no owner": _ix(owner=MALLORY),
            "no market": _ix(market_index=7),
            "stranger": _ix(signer=BOB),
            **PAUSES,
            "leverage 0": _ix(leverage=0),
            "leverage above max": _ix(leverage=21),
            "below one lot": _ix(size=1),
            "size past i64": _ix(size=(1 << 63) + 10_000_000),
            "negative bound": _ix(price=-1),
            "limit without price": _ix(kind=OrderKind.LIMIT, price=0),
            "stop without trigger": _ix(kind=OrderKind.STOP_LOSS, trigger_price=0),
            **ORACLE,
            "reduce-only on the same side": _ix(reduce_only=True),
            "flip": _ix(side=Side.SELL, size=2 * ONE_SOL),
            "slippage": _ix(price=90 * USD),
            "too large": _ix(size=10_000 * ONE_SOL),
            "leverage 1 past collateral": _ix(size=100 * ONE_SOL, leverage=1),
        },
    ),
    "cancel_order": (
        Request(CancelOrder(ALICE, ALICE, 1), SOL_AT_100),
        {"no owner": _ix(owner=MALLORY), "no order": _ix(order_id=99), "stranger": _ix(signer=BOB)},
    ),
    "close_position": (
        Request(ClosePosition(ALICE, ALICE, 0, 0, 0), SOL_AT_100),
        {
            "no owner": _ix(owner=MALLORY),
            "no market": _ix(market_index=7),
            "stranger": _ix(signer=BOB),
            **PAUSES,
            "no position": _ix(market_index=1, signer=ALICE),
            "below one lot": _ix(size=1),
            "negative limit": _ix(price_limit=-1),
            **ORACLE,
            "slippage": _ix(price_limit=200 * USD),
        },
    ),
    "trigger_order": (
        Request(TriggerOrder(ALICE, 2), pyth(SOL_FEED, 94 * USD)),
        {
            "no owner": _ix(owner=MALLORY),
            "no order": _ix(order_id=99),
            **PAUSES,
            **ORACLE,
            "not due": _at_price(96 * USD),
        },
    ),
    "settle_funding": (
        Request(SettleFunding(0), pyth(SOL_FEED, 100 * USD, HOUR_LATER), now=HOUR_LATER),
        {
            "no market": _ix(market_index=7),
            **PAUSES,
            **ORACLE,
            "not due": lambda r: replace(r, now=NOW + 10, oracle=pyth(SOL_FEED, 100 * USD, NOW + 10)),
        },
    ),
    "liquidate": (
        Request(Liquidate(BOB, ALICE, 0), pyth(SOL_FEED, 80 * USD)),
        {
            "no owner": _ix(owner=MALLORY),
            "no liquidator": _ix(signer=CAROL),
            "no market": _ix(market_index=7),
            "self": _ix(signer=ALICE),
            **PAUSES,
            "no position": _ix(owner=BOB, signer=ALICE),
            **ORACLE,
            "healthy": _at_price(100 * USD),
        },
    ),
}


def start_state(r: Request) -> State:
    if r.empty:
        return State()
    assert BASE.exchange is not None
    markets = (replace(BASE.markets[0], paused=r.market_paused), *BASE.markets[1:])
    return replace(BASE, exchange=replace(BASE.exchange, paused=r.exchange_paused), markets=markets)


def requests_for(name: str) -> list[tuple[str, Request]]:
    base, faults = CASES[name]
    out = [(f, faults[f](base)) for f in faults]
    out += [(f"{a} + {b}", faults[b](faults[a](base))) for a, b in combinations(faults, 2)]
    return out


def variant(r: Request) -> tuple[bool, bool, bool]:
    return (r.empty, r.exchange_paused, r.market_paused)


@pytest.mark.parametrize("name", list(CASES))
def test_the_valid_request_succeeds_and_each_fault_alone_fails(name: str) -> None:
    base, faults = CASES[name]
    assert isinstance(apply(start_state(base), base.instruction, base.oracle, base.now), Ok)
    for fault, request in requests_for(name)[: len(faults)]:
        outcome = apply(start_state(request), request.instruction, request.oracle, request.now)
        assert isinstance(outcome, Err), f"{name}: '{fault}' alone does not fail"


@pytest.mark.parametrize("name", list(CASES))
def test_every_pair_of_faults_fails_the_same_way_in_both_engines(name: str, engine_runner: Path) -> None:
    groups: dict[tuple[bool, bool, bool], list[tuple[str, Request]]] = {}
    for label, request in requests_for(name):
        groups.setdefault(variant(request), []).append((label, request))
    for requests in groups.values():
        start = start_state(requests[0][1])
        steps = [codec.encode_step(r.instruction, r.oracle, r.now) for _, r in requests]
        done = subprocess.run(
            [str(engine_runner)],
            input=json.dumps({"state": codec.encode_state(start), "steps": steps}),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        rust = json.loads(done.stdout)["results"]
        state = start
        for (label, r), theirs in zip(requests, rust, strict=True):
            outcome = apply(state, r.instruction, r.oracle, r.now)
            assert codec.encode_outcome(outcome) == theirs, f"{name}: {label}"
            if isinstance(outcome, Ok):
                state = outcome.state


def test_the_matrix_covers_hundreds_of_fault_pairs() -> None:
    assert sum(len(requests_for(name)) for name in CASES) > 500
