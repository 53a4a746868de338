"""Trading accounts and collateral: create, delegate, deposit, withdraw."""

from __future__ import annotations

from dataclasses import replace

from quantdesk.engine._errors import (
    DelegateCannotWithdraw,
    ExchangePaused,
    InsufficientFreeCollateral,
    InvalidAmount,
    InvalidParameter,
    Unauthorized,
)
from quantdesk.engine._events import DelegateSet, Deposited, UserCreated, Withdrawn
from quantdesk.engine._math import apply_delta
from quantdesk.engine._state import Exchange, Key, User

__all__ = ["create_user", "deposit", "set_delegate", "withdraw"]


def create_user(owner: Key, delegate: Key | None) -> tuple[User, UserCreated]:
    _check_delegate(owner, delegate)
    user = User(owner=owner, delegate=delegate, collateral=0, positions=(), next_order_id=0, open_orders=0)
    return user, UserCreated(owner=owner, delegate=delegate)


def set_delegate(user: User, signer: Key, delegate: Key | None) -> tuple[User, DelegateSet]:
    """Only the owner may change (or clear, with None) the delegate."""
    if signer != user.owner:
        raise Unauthorized()
    _check_delegate(user.owner, delegate)
    return replace(user, delegate=delegate), DelegateSet(owner=user.owner, delegate=delegate)


def _check_delegate(owner: Key, delegate: Key | None) -> None:
    # A delegate equal to the owner would be meaningless; refusing it catches a client mix-up.
    if delegate is not None and delegate == owner:
        raise InvalidParameter(field="delegate")


def deposit(exchange: Exchange, user: User, amount: int) -> tuple[User, Deposited]:
    """Anyone may deposit into any account: the tokens come from the signer's wallet."""
    if exchange.paused:
        raise ExchangePaused()
    if amount == 0:
        raise InvalidAmount()
    user = replace(user, collateral=apply_delta(user.collateral, amount))
    return user, Deposited(owner=user.owner, amount=amount, collateral=user.collateral)


def withdraw(exchange: Exchange, user: User, signer: Key, amount: int) -> tuple[User, Withdrawn]:
    """Only the owner withdraws, and only free collateral."""
    if signer != user.owner:
        if user.delegate is not None and user.delegate == signer:
            raise DelegateCannotWithdraw()
        raise Unauthorized()
    if exchange.paused:
        raise ExchangePaused()
    if amount == 0:
        raise InvalidAmount()
    if amount > user.collateral:
        raise InsufficientFreeCollateral(limit=user.collateral, value=amount)
    user = replace(user, collateral=user.collateral - amount)
    return user, Withdrawn(owner=user.owner, amount=amount, collateral=user.collateral)
