"""The account ledger against the whole-state engine: random signed transactions go
through the paper executor (which loads only the accounts each names) and, beside
it, through the pure engine on the whole state (the same resolver and ``apply``);
after every step every account is compared, the read models match what the whole
state says, collateral is conserved, and the keepers' indexed queries find exactly
the triggers and liquidations a full scan of the state finds."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from solders.compute_budget import set_compute_unit_price
from solders.keypair import Keypair

from quantdesk.engine import (
    Err,
    OrderKind,
    ProgramError,
    State,
    apply,
    codec,
    fill_price,
    is_liquidatable,
    pending_funding,
    within_bound,
)
from quantdesk.engine._keeper import _stop_triggered
from quantdesk.exchange import IdlError, OrderParams, build_message
from quantdesk.exchange.paper import (
    AnchorError,
    associated_token_address,
    crossed_triggers,
    liquidatable,
    order_fires,
    position_liquidation_price,
)
from quantdesk.exchange.paper._executor import _NO_ORACLE, COMPUTE_BUDGET
from quantdesk.wallet import Signer
from tests.quantdesk.exchange.paper.conftest import PaperWorld

SYMBOLS = {0: "SOL/USD", 1: "BTC/USD", 2: "ETH/USD"}
BASE_PRICES = {0: 150_00000000, 1: 95_000_00000000, 2: 3_000_00000000}  # expo -8
LOTS = {0: 10_000_000, 1: 10_000, 2: 100_000}
KINDS = ("Market", "Market", "Limit", "StopLoss", "TakeProfit")


class st:  # noqa: N801 - reads like the Hypothesis strategies it replaces
    """Seeded draws. Not Hypothesis: every step is a real database round trip on a
    fresh exchange per seed, and Hypothesis requires draws independent of outside
    state (the database) and would replay hundreds of steps to shrink; a failing
    seed reproduces the run exactly."""

    @staticmethod
    def sampled_from(values: Sequence[Any]) -> Callable[[random.Random], Any]:
        return lambda rng: rng.choice(list(values))

    @staticmethod
    def integers(low: int, high: int) -> Callable[[random.Random], int]:
        return lambda rng: rng.randint(low, high)

    @staticmethod
    def booleans() -> Callable[[random.Random], bool]:
        return lambda rng: rng.random() < 0.5


@dataclass
class Draws:
    rng: random.Random

    def draw(self, strategy: Callable[[random.Random], Any]) -> Any:  # noqa: ANN401
        return strategy(self.rng)

    def keypair(self) -> Keypair:
        return Keypair.from_seed(self.rng.randbytes(32))


@dataclass
class Model:
    """The reference: the whole state, advanced by the pure engine."""

    state: State
    minted: int
    prices: dict[int, int] = field(default_factory=lambda: dict(BASE_PRICES))
    sent: int = 0


def _whole_state_outcome(world: PaperWorld, raw: bytes, state: State) -> tuple[State, tuple[int, int] | None]:
    """What the transaction does to the whole state: (state after, (failing instruction, code) or None)."""
    from solders.transaction import VersionedTransaction

    ex = world.executor
    tx = VersionedTransaction.from_bytes(raw)
    msg = tx.message
    keys = list(msg.account_keys)
    signers = frozenset(keys[: msg.header.num_required_signatures])
    now = int(world.clock().timestamp())
    current = state
    with world.db.pool.connection() as conn:
        for at, ci in enumerate(msg.instructions):
            program = keys[ci.program_id_index]
            if program == COMPUTE_BUDGET:
                continue
            try:
                name, args = ex.idl.decode(bytes(ci.data))
            except IdlError:
                return state, (at, 101)
            names = dict(zip(ex.idl.account_names(name), (keys[i] for i in ci.accounts), strict=False))
            try:
                resolved = ex._resolver.resolve(name, args, names, signers, current)
                oracle = (ex._oracles.read(conn, resolved.oracle_account)
                          if resolved.oracle_account is not None else _NO_ORACLE)
            except AnchorError as exc:
                return state, (at, exc.code)
            result = apply(current, resolved.instruction, oracle, now)
            if isinstance(result, Err):
                return state, (at, result.code)
            current = result.state
    return current, None


def _token_total(world: PaperWorld) -> int:
    with world.db.pool.connection() as conn:
        row = conn.execute("SELECT coalesce(sum(amount), 0) FROM paper_token_accounts").fetchone()
    assert row is not None
    return int(row[0])


def _check(world: PaperWorld, model: Model) -> None:
    ex = world.executor
    ledger = ex.state()
    # Every account, and the creation / placement order the whole state keeps.
    assert ledger == model.state
    assert _token_total(world) + ledger.total_collateral() == model.minted  # collateral conserved
    markets = ledger.markets
    with world.db.pool.connection() as conn:
        positions = {(codec.decode_key(r[0]), r[1]): tuple(int(v) for v in r[2:])
                     for r in conn.execute("SELECT owner, market_index, base, quote_entry, margin, "
                                           "last_cumulative_funding, liquidation_price, funding_index "
                                           "FROM paper_positions").fetchall()}
        orders = {r[0]: (r[1], r[2]) for r in conn.execute(
            "SELECT address, fires_at_or_below, fires_at_or_above FROM paper_open_orders").fetchall()}
    expected_positions = {}
    for user in ledger.users:
        for p in user.positions:
            expected_positions[(user.owner, p.market_index)] = (p.base, p.quote_entry, p.margin,
                                                                p.last_cumulative_funding)
            row = positions.get((user.owner, p.market_index))
            if row is not None and row[5] == markets[p.market_index].cumulative_funding:  # a fresh row is exact
                assert row[4] == position_liquidation_price(p, markets[p.market_index])
    assert {k: v[:4] for k, v in positions.items()} == expected_positions
    assert orders == {str(ex.pdas.order(o.owner, o.id)): order_fires(o, markets[o.market_index])
                      for o in ledger.orders}
    # The keepers' indexed queries against a full scan with the engine's own predicates.
    marks = ex.marks()
    scan_triggers = set()
    for o in ledger.orders:
        mark = marks[o.market_index]
        if o.kind is OrderKind.LIMIT:
            try:
                fires = within_bound(o.side, fill_price(markets[o.market_index].params, o.side, mark), o.price)
            except ProgramError:
                fires = False
        else:
            fires = _stop_triggered(o, mark)
        if fires:
            scan_triggers.add((o.owner, o.id))
    scan_liquidations = {(u.owner, p.market_index) for u in ledger.users for p in u.positions
                         if is_liquidatable(p, markets[p.market_index].params, marks[p.market_index],
                                            pending_funding(p, markets[p.market_index]))}
    with world.db.pool.connection() as conn:
        assert {(t.owner, t.order_id) for t in crossed_triggers(conn, marks)} == scan_triggers
        assert {(w.owner, w.market_index) for w in liquidatable(conn, markets, marks)} == scan_liquidations


def _send(world: PaperWorld, model: Model, signer: Signer, *instructions) -> None:  # noqa: ANN002
    model.sent += 1  # a distinct compute-unit price: the same request twice is two transactions
    message = build_message(signer.pubkey, [set_compute_unit_price(model.sent), *instructions],
                            world.executor.latest_blockhash().blockhash)
    raw = bytes(signer.sign_transaction(message))
    expected, failed = _whole_state_outcome(world, raw, model.state)
    outcome = world.executor.submit(raw)
    failure = outcome.failure
    if failure is not None and failure.name.startswith(("ConstraintToken", "Token")):
        # The paper token ledger (beside the engine) refused a token move of an
        # instruction the engine applied: the reference must not have failed earlier.
        assert failed is None or failed[0] > failure.instruction_index, (failure, failed)
        expected = model.state
    else:
        assert outcome.ok == (failed is None), (failure, failed)
        if failed is not None:
            assert failure is not None and (failure.instruction_index, failure.code) == failed
    model.state = expected


def _order(data: Draws, model: Model, market: int, owner: bytes) -> OrderParams:
    """Mostly valid orders (a valid leverage, a size the account can carry); stops and
    take-profits on the side that closes the trader's position when there is one."""
    user = model.state.user(owner)
    base = 0 if user is None else user.position_base(market)
    kind = data.draw(st.sampled_from(KINDS))
    side = data.draw(st.sampled_from(("Buy", "Sell")))
    if kind in ("StopLoss", "TakeProfit") and base != 0 and data.draw(st.integers(0, 4)):
        side = "Sell" if base > 0 else "Buy"
    size = data.draw(st.integers(0, 20)) * LOTS[market] * (100 if market == 0 else 10)
    mark = model.prices[market] // 100  # expo -8 → engine units (10^-6)
    off = data.draw(st.integers(-100, 100))
    price = trigger = 0
    if kind == "Limit":
        price = max(1, mark + mark * off // 1000)
    elif kind != "Market":
        trigger = max(1, mark + mark * off // 1000)
    leverage = data.draw(st.integers(1, 20)) if data.draw(st.integers(0, 9)) else data.draw(st.sampled_from((0, 25)))
    return OrderParams(kind, side, size=size, price=price, trigger_price=trigger,
                       reduce_only=kind == "Market" and not data.draw(st.integers(0, 5)),
                       client_order_id=data.draw(st.integers(0, 5)), leverage=leverage)


def _new_trader(world: PaperWorld, model: Model, data: Draws, traders: list[Signer]) -> None:
    signer = Signer(data.keypair())
    amount = data.draw(st.integers(1, 20_000)) * 10**6
    token = world.executor.faucet(signer.pubkey, amount)
    model.minted += amount
    traders.append(signer)
    deposit = amount if data.draw(st.integers(0, 4)) else data.draw(st.integers(0, amount + 10**6))
    _send(world, model, signer, world.ixs.create_user(signer.pubkey),
          world.ixs.deposit(signer.pubkey, signer.pubkey, token, deposit))


def _step(world: PaperWorld, model: Model, data: Draws, traders: list[Signer], keeper: Signer) -> None:
    ixs = world.ixs
    action = data.draw(st.sampled_from(("trader", "order", "order", "order", "cancel", "close", "withdraw",
                                        "price", "trigger", "liquidate", "funding", "deposit_and_order")))
    if action == "trader" or not traders:
        _new_trader(world, model, data, traders)
        return
    signer = data.draw(st.sampled_from(traders))
    me = bytes(signer.pubkey)
    user = model.state.user(me)
    next_id = 0 if user is None else user.next_order_id
    market = data.draw(st.sampled_from((0, 0, 1, 2)))
    price_account = world.price_account(SYMBOLS[market])
    if action == "order":
        order_id = next_id if data.draw(st.integers(0, 9)) else next_id + 1
        _send(world, model, signer, ixs.place_order(signer.pubkey, signer.pubkey, market, order_id, price_account,
                                                    _order(data, model, market, me)))
    elif action == "deposit_and_order":
        token = associated_token_address(signer.pubkey, world.executor.exchange_state().exchange.collateral_mint)
        _send(world, model, signer, ixs.deposit(signer.pubkey, signer.pubkey, token,
                                                data.draw(st.integers(0, 2_000)) * 10**6),
              ixs.place_order(signer.pubkey, signer.pubkey, market, next_id, price_account,
                              _order(data, model, market, me)))
    elif action == "cancel":
        mine = [o.id for o in model.state.orders if o.owner == me] + [next_id + 3]
        _send(world, model, signer, ixs.cancel_order(signer.pubkey, signer.pubkey, data.draw(st.sampled_from(mine))))
    elif action == "close":
        base = abs(user.position_base(market)) if user is not None else 0
        size = data.draw(st.sampled_from((base, base // 2 // LOTS[market] * LOTS[market], base + LOTS[market], 0)))
        _send(world, model, signer, ixs.close_position(signer.pubkey, signer.pubkey, market, price_account, size, 0))
    elif action == "withdraw":
        free = 0 if user is None else user.collateral
        amount = data.draw(st.sampled_from((free, free // 3, free + 1, 0)))
        token = associated_token_address(signer.pubkey, world.executor.exchange_state().exchange.collateral_mint)
        _send(world, model, signer, ixs.withdraw(signer.pubkey, signer.pubkey, token, amount))
    elif action == "price":
        world.clock.advance(data.draw(st.sampled_from((0, 5, 600, 3600, 4000))))
        model.prices[market] = model.prices[market] * (1000 + data.draw(st.integers(-300, 300))) // 1000
        for index, price in model.prices.items():  # fresh ticks for every market at the new time
            world.price(SYMBOLS[index], price)
    elif action == "trigger":
        resting = [(o.owner, o.id, o.market_index) for o in model.state.orders]
        if resting:
            owner, order_id, index = data.draw(st.sampled_from(resting))
            from solders.pubkey import Pubkey

            _send(world, model, keeper, ixs.trigger_order(keeper.pubkey, Pubkey(owner), order_id, index,
                                                          world.price_account(SYMBOLS[index]),
                                                          rent_payer=Pubkey(owner)))
    elif action == "liquidate":
        from solders.pubkey import Pubkey

        held = [(u.owner, p.market_index) for u in model.state.users for p in u.positions]
        owner, index = data.draw(st.sampled_from(held)) if held and data.draw(st.integers(0, 4)) else (me, market)
        _send(world, model, keeper, ixs.liquidate(keeper.pubkey, Pubkey(owner), index,
                                                  world.price_account(SYMBOLS[index])))
    elif action == "funding":
        _send(world, model, keeper, ixs.settle_funding(market, price_account))


@pytest.mark.parametrize("seed", range(16))
def test_random_transactions_leave_the_ledger_equal_to_the_whole_state_engine(world: PaperWorld, seed: int) -> None:
    data = Draws(random.Random(seed))
    keeper = Signer(data.keypair())
    model = Model(world.executor.state(), 0)
    model.minted = _token_total(world) + model.state.total_collateral()
    _send(world, model, keeper, world.ixs.create_user(keeper.pubkey))
    _check(world, model)
    traders: list[Signer] = []
    for _ in range(3):
        _new_trader(world, model, data, traders)
    for _ in range(data.draw(st.integers(20, 40))):
        _step(world, model, data, traders, keeper)
        _check(world, model)
