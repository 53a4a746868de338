"""The world-level state transition: finds the pieces of state an instruction works
on (the "not found" / "already exists" errors, which on chain are Anchor's account
checks), runs the instruction, and puts the pieces back. A failure changes nothing."""

from __future__ import annotations

from dataclasses import replace

from quantdesk.engine import _account, _admin, _keeper, _trading
from quantdesk.engine._errors import (
    CannotLiquidateSelf,
    ExchangeAlreadyInitialized,
    ExchangeNotInitialized,
    MarketNotFound,
    OrderNotFound,
    ProgramError,
    UserAlreadyExists,
    UserNotFound,
)
from quantdesk.engine._events import Event
from quantdesk.engine._instructions import (
    AddMarket,
    CancelOrder,
    ClosePosition,
    CreateUser,
    Deposit,
    FundPool,
    InitializeExchange,
    Instruction,
    Liquidate,
    PlaceOrder,
    SetDelegate,
    SetPaused,
    SettleFunding,
    TriggerOrder,
    Withdraw,
)
from quantdesk.engine._oracle import OracleInput
from quantdesk.engine._outcome import Err, Ok, Outcome
from quantdesk.engine._state import Exchange, Key, Market, Order, State, User

__all__ = ["apply"]


def apply(state: State, instruction: Instruction, oracle: OracleInput, now: int) -> Outcome:
    """Applies one instruction with the oracle update passed with it (ignored by
    instructions that read no price) and the cluster clock ``now`` (unix seconds).

    Returns ``Ok(new_state, events)`` or ``Err(code, name, limit, value, field)``;
    never raises a ``ProgramError``. Raises ``EnginePanic`` only for a state that
    breaks an engine invariant (where the Rust engine would panic).
    """
    try:
        next_state, events = _dispatch(state, instruction, oracle, now)
    except ProgramError as error:
        return Err.of(error)
    return Ok(state=next_state, events=tuple(events))


def _dispatch(state: State, ix: Instruction, oracle: OracleInput, now: int) -> tuple[State, list[Event]]:
    event: Event
    exchange = state.exchange
    if exchange is None:
        if not isinstance(ix, InitializeExchange):
            raise ExchangeNotInitialized()
        created, event = _admin.initialize_exchange(ix)
        return replace(state, exchange=created), [event]

    match ix:
        case InitializeExchange():
            raise ExchangeAlreadyInitialized()
        case AddMarket():
            market, event = _admin.add_market(exchange, len(state.markets), ix, now)
            return replace(state, markets=(*state.markets, market)), [event]
        case SetPaused(signer=signer, market_index=index, paused=paused):
            found = None if index is None else _market(state, index)
            exchange, paused_market, event = _admin.set_paused(exchange, found, signer, paused)
            return _put(state, exchange=exchange, market=paused_market), [event]
        case FundPool():
            exchange, event = _admin.fund_pool(exchange, ix)
            return replace(state, exchange=exchange), [event]
        case CreateUser(signer=signer, delegate=delegate):
            if state.user(signer) is not None:
                raise UserAlreadyExists()
            user, event = _account.create_user(signer, delegate)
            return replace(state, users=(*state.users, user)), [event]
        case SetDelegate(signer=signer, owner=owner, delegate=delegate):
            who = _user_index(state.users, owner)
            user, event = _account.set_delegate(state.users[who], signer, delegate)
            return _put(state, users={who: user}), [event]
        case Deposit(owner=owner, amount=amount):
            who = _user_index(state.users, owner)
            user, event = _account.deposit(exchange, state.users[who], amount)
            return _put(state, users={who: user}), [event]
        case Withdraw(signer=signer, owner=owner, amount=amount):
            who = _user_index(state.users, owner)
            user, event = _account.withdraw(exchange, state.users[who], signer, amount)
            return _put(state, users={who: user}), [event]
        case PlaceOrder():
            who = _user_index(state.users, ix.owner)
            market = _market(state, ix.market_index)
            exchange, market, user, resting, events = _trading.place_order(
                exchange, market, state.users[who], ix, oracle, now
            )
            state = _put(state, exchange=exchange, market=market, users={who: user})
            if resting is not None:
                state = replace(state, orders=(*state.orders, resting))
            return state, events
        case CancelOrder(signer=signer, owner=owner, order_id=order_id):
            who = _user_index(state.users, owner)
            at = _order_index(state.orders, owner, order_id)
            user, event = _trading.cancel_order(state.users[who], state.orders[at], signer)
            return _without_order(_put(state, users={who: user}), at), [event]
        case ClosePosition():
            who = _user_index(state.users, ix.owner)
            market = _market(state, ix.market_index)
            exchange, market, user, events = _trading.close_position(
                exchange, market, state.users[who], ix, oracle, now
            )
            return _put(state, exchange=exchange, market=market, users={who: user}), events
        case TriggerOrder(owner=owner, order_id=order_id):
            who = _user_index(state.users, owner)
            at = _order_index(state.orders, owner, order_id)
            order = state.orders[at]
            market = _market(state, order.market_index)
            exchange, market, user, events = _keeper.trigger_order(
                exchange, market, state.users[who], order, oracle, now
            )
            return _without_order(_put(state, exchange=exchange, market=market, users={who: user}), at), events
        case SettleFunding(market_index=index):
            market, event = _keeper.settle_market_funding(exchange, _market(state, index), oracle, now)
            return _put(state, market=market), [event]
        case Liquidate(signer=signer, owner=owner, market_index=index):
            target = _user_index(state.users, owner)
            liquidator = _user_index(state.users, signer)
            market = _market(state, index)
            if target == liquidator:
                raise CannotLiquidateSelf()
            exchange, market, user, rewarded, events = _keeper.liquidate(
                exchange, market, state.users[target], state.users[liquidator], oracle, now
            )
            return _put(state, exchange=exchange, market=market, users={target: user, liquidator: rewarded}), events
    raise TypeError(f"not an engine instruction: {ix!r}")


def _user_index(users: tuple[User, ...], owner: Key) -> int:
    at = next((i for i, u in enumerate(users) if u.owner == owner), None)
    if at is None:
        raise UserNotFound()
    return at


def _market(state: State, index: int) -> Market:
    if not 0 <= index < len(state.markets):
        raise MarketNotFound(value=index)
    return state.markets[index]


def _order_index(orders: tuple[Order, ...], owner: Key, order_id: int) -> int:
    at = next((i for i, o in enumerate(orders) if o.owner == owner and o.id == order_id), None)
    if at is None:
        raise OrderNotFound(value=order_id)
    return at


def _without_order(state: State, at: int) -> State:
    return replace(state, orders=state.orders[:at] + state.orders[at + 1 :])


def _put(
    state: State,
    *,
    exchange: Exchange | None = None,
    market: Market | None = None,
    users: dict[int, User] | None = None,
) -> State:
    """Writes back the pieces an instruction changed: a market at its index, users at
    their positions in ``state.users``."""
    markets = state.markets
    if market is not None:
        markets = markets[: market.index] + (market,) + markets[market.index + 1 :]
    return State(
        exchange=state.exchange if exchange is None else exchange,
        markets=markets,
        users=tuple(users.get(i, u) for i, u in enumerate(state.users)) if users else state.users,
        orders=state.orders,
    )
