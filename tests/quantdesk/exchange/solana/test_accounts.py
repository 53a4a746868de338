"""The program's accounts and events, encoded and decoded by the IDL: every
account type and every event round-trips, at the size the program allocates."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from solders.pubkey import Pubkey

from quantdesk.engine import (
    DelegateSet,
    Deposited,
    Exchange,
    ExchangeInitialized,
    ExchangeParams,
    FundingPaid,
    FundingSettled,
    Liquidated,
    Market,
    MarketAdded,
    MarketParams,
    Order,
    OrderCancelled,
    OrderFilled,
    OrderKind,
    OrderPlaced,
    PauseSet,
    Pool,
    PoolFunded,
    Position,
    PositionClosed,
    Side,
    User,
    UserCreated,
    Withdrawn,
    codec,
)
from quantdesk.exchange import OrderParams, PerpIdl
from quantdesk.exchange.solana import (
    ACCOUNT_SPACE,
    AccountDecodeError,
    ExchangeAccount,
    Pdas,
    decode_exchange,
    decode_market,
    decode_order,
    decode_state,
    decode_user,
    encode_exchange,
    encode_market,
    encode_order,
    encode_state,
    encode_user,
    event_log_line,
    events_from_logs,
    idl_for_program,
)
from tests.quantdesk.exchange.solana.conftest import SolanaWorld

IDL = PerpIdl.load()
PDAS = Pdas(IDL.program_id)
U64, I64, I128 = 2**64 - 1, 2**63 - 1, 2**127 - 1
U16 = 2**16 - 1
A, B = os.urandom(32), os.urandom(32)
DISCRIMINATORS = {a["name"]: bytes(a["discriminator"]) for a in IDL.doc["accounts"]}

EXCHANGE = Exchange(admin=A, collateral_mint=B, params=ExchangeParams(10_000, 500_000, 2**32 - 1), paused=True,
                    liquidity_vault=U64, insurance_fund=0)
MARKET = Market(index=15, params=MarketParams(
    symbol="LONGEST-SYMBOL16", pyth_feed_id=os.urandom(32), base_decimals=255, max_leverage=U16,
    initial_margin_ppm=50_000, maintenance_margin_ppm=25_000, tick_size=-I64 - 1, lot_size=U64, taker_fee_ppm=500,
    maker_fee_ppm=200, spread_ppm=300, oracle_max_age_secs=30, max_conf_ppm=10_000, funding_interval_secs=3600,
    max_funding_rate=I64), paused=False, long_open_interest=U64, short_open_interest=1,
    cumulative_funding=-I128 - 1, last_funding_ts=-1, last_funding_rate=I64)


def _position(market_index: int) -> Position:
    return Position(market_index=market_index, base=-I64 - 1 if market_index % 2 else I64, quote_entry=-5,
                    margin=-1, last_cumulative_funding=I128 if market_index % 2 else -I128 - 1)


USERS = [
    User(owner=A, delegate=None, collateral=0, positions=(), next_order_id=0, open_orders=0),
    User(owner=A, delegate=B, collateral=U64, positions=tuple(_position(i) for i in range(8)),
         next_order_id=U64, open_orders=U16),
]
ORDERS = [
    Order(id=U64, owner=A, market_index=U16, kind=kind, side=side, size=U64, price=-I64 - 1, trigger_price=I64,
          reduce_only=kind in (OrderKind.STOP_LOSS, OrderKind.TAKE_PROFIT), client_order_id=U64, leverage=U16,
          reserved=7, placed_at=-I64 - 1)
    for kind in OrderKind for side in Side
]


def test_the_exchange_round_trips_with_its_market_count_and_bumps() -> None:
    data = encode_exchange(IDL, PDAS, EXCHANGE, 16)
    assert len(data) == ACCOUNT_SPACE["Exchange"] and data[:8] == DISCRIMINATORS["Exchange"]
    assert decode_exchange(IDL, data) == ExchangeAccount(EXCHANGE, 16)
    assert data[-3:] == bytes([PDAS.find(b"exchange")[1], PDAS.find(b"vault")[1], PDAS.find(b"insurance")[1]])


def test_a_market_round_trips_at_the_extremes_of_every_field() -> None:
    data = encode_market(IDL, PDAS, MARKET)
    assert len(data) == ACCOUNT_SPACE["Market"] and data[:8] == DISCRIMINATORS["Market"]
    assert decode_market(IDL, data) == MARKET
    assert data[-1] == PDAS.find(b"market", (15).to_bytes(2, "little"))[1]


@pytest.mark.parametrize("user", USERS, ids=["empty", "full"])
def test_a_user_round_trips_through_its_fixed_position_slots(user: User) -> None:
    data = encode_user(IDL, PDAS, user)
    assert len(data) == ACCOUNT_SPACE["UserAccount"] and data[:8] == DISCRIMINATORS["UserAccount"]
    assert decode_user(IDL, data) == user
    assert encode_user(IDL, PDAS, decode_user(IDL, data)) == data


@pytest.mark.parametrize("order", ORDERS, ids=lambda o: f"{o.kind.value}-{o.side.value}")
def test_an_order_round_trips_for_every_kind_and_side(order: Order) -> None:
    data = encode_order(IDL, PDAS, order, rent_payer=B)
    assert len(data) == ACCOUNT_SPACE["Order"] and data[:8] == DISCRIMINATORS["Order"]
    assert decode_order(IDL, data) == order
    assert IDL.decode_account(data)[1]["rent_payer"] == str(Pubkey(B))


@settings(max_examples=40, deadline=None)
@given(collateral=st.integers(0, U64), bases=st.lists(st.integers(-I64 - 1, I64).filter(bool), max_size=8),
       funding=st.integers(-I128 - 1, I128), delegate=st.booleans())
def test_any_user_round_trips(collateral: int, bases: list[int], funding: int, delegate: bool) -> None:
    positions = tuple(Position(i, base, -base // 3, abs(base) // 7, funding) for i, base in enumerate(bases))
    user = User(owner=A, delegate=B if delegate else None, collateral=collateral, positions=positions,
                next_order_id=len(bases), open_orders=0)
    assert decode_user(IDL, encode_user(IDL, PDAS, user)) == user


def test_data_of_another_account_type_or_garbage_is_refused() -> None:
    with pytest.raises(AccountDecodeError, match="expected a UserAccount"):
        decode_user(IDL, encode_market(IDL, PDAS, MARKET))
    with pytest.raises(AccountDecodeError):
        decode_order(IDL, b"\x00" * 40)


def test_the_whole_paper_state_round_trips_through_the_accounts(solana_world: SolanaWorld) -> None:
    world = solana_world.paper
    alice, bob = world.trader("alice", 5_000), world.trader("bob", 5_000)
    sol = world.price_account("SOL/USD")
    for signer, order_id, kind, price in ((alice, 0, "Market", 0), (alice, 1, "Limit", 120_000_000),
                                          (bob, 0, "Limit", 90_000_000), (bob, 1, "Market", 0)):
        params = OrderParams(kind, "Buy", size=10**9, price=price, trigger_price=0, reduce_only=False,
                             client_order_id=order_id + 10, leverage=3)
        assert world.send(signer, world.ixs.place_order(signer.pubkey, signer.pubkey, 0, order_id, sol, params)).ok
    state = world.executor.state()
    assert len(state.orders) == 2 and all(u.positions for u in state.users if u.owner != bytes(world.admin.pubkey))
    accounts = encode_state(IDL, state)
    decoded = decode_state(IDL, accounts[PDAS.exchange()], [accounts[PDAS.market(m.index)] for m in state.markets],
                           [accounts[PDAS.user(u.owner)] for u in state.users],
                           [accounts[PDAS.order(o.owner, o.id)] for o in state.orders])
    assert decoded == state


EVENTS = [
    ExchangeInitialized(admin=A, collateral_mint=B),
    MarketAdded(market_index=U16, symbol="SOL-PERP", pyth_feed_id=os.urandom(32)),
    PauseSet(market_index=None, paused=True), PauseSet(market_index=3, paused=False),
    PoolFunded(pool=Pool.INSURANCE, amount=U64, balance=1), PoolFunded(pool=Pool.LIQUIDITY, amount=1, balance=U64),
    UserCreated(owner=A, delegate=None), UserCreated(owner=A, delegate=B), DelegateSet(owner=A, delegate=None),
    Deposited(owner=A, amount=1, collateral=U64), Withdrawn(owner=B, amount=U64, collateral=0),
    *(OrderPlaced(owner=A, order_id=U64, client_order_id=0, market_index=1, kind=kind, side=side, size=U64,
                  price=-I64 - 1, trigger_price=I64, reduce_only=True, leverage=U16, resting=side is Side.BUY,
                  reserved=9) for kind in OrderKind for side in Side),
    OrderFilled(owner=A, order_id=None, market_index=0, side=Side.SELL, size=1, price=150_045_000, maker=False,
                fee=U64, realized_pnl=-I64 - 1, position_base=-3, position_quote_entry=I64, position_margin=-1,
                liquidation_price=0),
    OrderFilled(owner=A, order_id=U64, market_index=0, side=Side.BUY, size=1, price=1, maker=True, fee=0,
                realized_pnl=I64, position_base=0, position_quote_entry=0, position_margin=0, liquidation_price=-1),
    OrderCancelled(owner=A, order_id=U64, refunded=U64),
    PositionClosed(owner=A, market_index=2, payout=U64, bad_debt=1),
    FundingSettled(market_index=1, rate=-I64 - 1, intervals=U64, oracle_price=I64, cumulative_funding=-I128 - 1),
    FundingPaid(owner=A, market_index=0, amount=-I64 - 1),
    Liquidated(owner=A, liquidator=B, market_index=0, base=-1, price=2, realized_pnl=-3, liquidation_fee=4,
               liquidator_reward=5, insurance_fee=6, payout=7, bad_debt=8, insurance_cover=U64),
]


def test_every_event_round_trips_through_a_program_data_log_line() -> None:
    assert {e.TYPE for e in EVENTS} == {e["name"] for e in IDL.doc["events"]}
    encoded = [codec.encode_event(e) for e in EVENTS]
    logs = ["Program log: Instruction: PlaceOrder", *(event_log_line(IDL, e) for e in encoded), "Program data: AAAA"]
    decoded = events_from_logs(IDL, logs)
    assert list(decoded) == encoded
    assert [codec.decode_event(e) for e in decoded] == EVENTS


def test_a_program_id_override_moves_every_address() -> None:
    other = Pubkey.new_unique()
    moved = idl_for_program(IDL, other)
    assert moved.program_id == other and idl_for_program(IDL, None) is IDL
    assert Pdas(moved.program_id).exchange() != PDAS.exchange()
    assert moved.instruction_names == IDL.instruction_names


def test_a_full_user_keeps_positions_sorted_in_the_first_slots() -> None:
    sparse = replace(USERS[1], positions=(_position(2), _position(5)))
    fields = IDL.decode_account(encode_user(IDL, PDAS, sparse))[1]
    assert [s["market_index"] for s in fields["positions"]] == [2, 5, 0, 0, 0, 0, 0, 0]
    assert all(s["base"] == 0 for s in fields["positions"][2:])
