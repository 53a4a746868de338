"""Worlds the engine tests start from, built through the engine itself, and the
shared vectors read from disk. The names and numbers are engine_runner's fixtures
(and, for ``hand_world``, perp_engine's ``tests/common``), so a Python test and its
Rust counterpart read the same."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quantdesk.engine import (
    AddMarket,
    CreateUser,
    Deposit,
    ExchangeParams,
    FundPool,
    InitializeExchange,
    Instruction,
    MarketParams,
    Ok,
    OracleInput,
    Pool,
    State,
    apply,
    codec,
)

REPO = Path(__file__).resolve().parents[3]
PROGRAMS = REPO / "programs"
VECTOR_DIR = PROGRAMS / "quantdesk_perp" / "vectors"
IDL = PROGRAMS / "quantdesk_perp" / "idl" / "quantdesk_perp.json"

NOW = 1_700_000_000
USD = 1_000_000  # price units per USD, and collateral units per USDC
ONE_SOL = 1_000_000_000
ONE_BTC = 100_000_000
SOL_FEED = bytes.fromhex("ef0d8b6fda2ceba41da15d4095d1da392a0d2f8ed0c6c7bc0f4cfac8c280b56d")
BTC_FEED = bytes.fromhex("e62df6c8b4a85fe1a67db44dc12de5db330f7ac66b72dc658afedf0f4a415b43")


def key(label: str) -> bytes:
    """engine_runner's readable keys: the label's bytes, padded with 7s."""
    raw = label.encode()
    return raw + bytes([7] * (32 - len(raw)))


ADMIN, ALICE, BOB, CAROL, DAVE, MALLORY = (key(n) for n in ("admin", "alice", "bob", "carol", "dave", "mallory"))

EXCHANGE_PARAMS = ExchangeParams(
    liquidation_fee_ppm=10_000, liquidator_share_ppm=500_000, insurance_fee_share_ppm=200_000
)

SOL_PARAMS = MarketParams(
    symbol="SOL-PERP",
    pyth_feed_id=SOL_FEED,
    base_decimals=9,
    max_leverage=20,
    initial_margin_ppm=40_000,
    maintenance_margin_ppm=25_000,
    tick_size=1_000,
    lot_size=10_000_000,
    taker_fee_ppm=500,
    maker_fee_ppm=200,
    spread_ppm=500,
    oracle_max_age_secs=60,
    max_conf_ppm=10_000,
    funding_interval_secs=3_600,
    max_funding_rate=100_000,
)

BTC_PARAMS = MarketParams(
    symbol="BTC-PERP",
    pyth_feed_id=BTC_FEED,
    base_decimals=8,
    max_leverage=10,
    initial_margin_ppm=100_000,
    maintenance_margin_ppm=50_000,
    tick_size=100_000,
    lot_size=100_000,
    taker_fee_ppm=600,
    maker_fee_ppm=200,
    spread_ppm=300,
    oracle_max_age_secs=30,
    max_conf_ppm=5_000,
    funding_interval_secs=28_800,
    max_funding_rate=500_000,
)


def pyth(feed: bytes, price: int, now: int = NOW) -> OracleInput:
    """A Pyth-style update at ``price`` engine units: exponent -8, 0.05% confidence,
    published two seconds before ``now`` (the vectors' convention)."""
    return OracleInput(
        feed_id=feed,
        price=price * 100,
        conf=price * 100 // 2_000,
        exponent=-8,
        publish_time=now - 2,
        fully_verified=True,
    )


def step(state: State, instruction: Instruction, oracle: OracleInput, now: int = NOW) -> Ok:
    """Applies an instruction that must succeed (a world-building step)."""
    outcome = apply(state, instruction, oracle, now)
    assert isinstance(outcome, Ok), f"{instruction.TYPE} failed: {outcome}"
    return outcome


def world() -> State:
    """Exchange + SOL and BTC markets + 1M USDC liquidity + 10k insurance; alice
    (10k USDC, delegate dave) and bob (1k USDC): engine_runner's ``world()``."""
    oracle = pyth(SOL_FEED, 100 * USD)
    s = State()
    for ix in (
        InitializeExchange(signer=ADMIN, collateral_mint=key("usdc-mint"), params=EXCHANGE_PARAMS),
        AddMarket(signer=ADMIN, params=SOL_PARAMS),
        AddMarket(signer=ADMIN, params=BTC_PARAMS),
        FundPool(signer=ADMIN, pool=Pool.LIQUIDITY, amount=1_000_000 * USD),
        FundPool(signer=ADMIN, pool=Pool.INSURANCE, amount=10_000 * USD),
        CreateUser(signer=ALICE, delegate=DAVE),
        Deposit(owner=ALICE, amount=10_000 * USD),
        CreateUser(signer=BOB, delegate=None),
        Deposit(owner=BOB, amount=1_000 * USD),
    ):
        s = step(s, ix, oracle).state
    return s


@dataclass(frozen=True)
class VectorCase:
    file: str
    name: str
    raw: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.file}:{self.name}"


def vector_cases() -> list[VectorCase]:
    """Every case of every vector file, in file then case order."""
    cases = []
    for path in sorted(VECTOR_DIR.glob("*.json")):
        for raw in json.loads(path.read_text())["cases"]:
            cases.append(VectorCase(file=path.stem, name=raw["name"], raw=raw))
    return cases


def decode_case(raw: dict[str, Any]) -> tuple[State, Instruction, OracleInput, int, dict[str, Any]]:
    """A case's state, instruction, oracle, clock and expected outcome (strictly read)."""
    f = codec.Fields("case", raw)
    f.string("name")
    f.string("description")
    state = codec.decode_state(f.raw("state"))
    instruction, oracle, now = codec.decode_step(f)
    expected = f.raw("expected")
    f.finish()
    return state, instruction, oracle, now, expected
