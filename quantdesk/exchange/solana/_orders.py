"""Idempotent order placement: how a retry never doubles an order.

The program creates every order at the PDA ``["order", user, next_order_id]`` and
advances ``next_order_id`` (programs/quantdesk_perp/src/instructions/trading.rs),
so *a place_order transaction pins its order id*: once one transaction with that
order id has landed, every other one with the same id fails (ConstraintSeeds, or
AccountAlreadyInUse while the order rests). The rule for callers after an unknown
outcome (SubmitTimeout, a dropped connection):

1. Send the *same bytes* again (``submit``): same signature, so it executes at
   most once, and the venue returns the result of the one that landed.
2. Only when the blockhash has expired (``TransactionRejected`` BlockhashNotFound:
   the old transaction can never land) build a new transaction — with the *same*
   order id and client order id — for re-approval, and send it with
   ``submit_order_once``, which first looks the order up: a resting order with
   that client order id, or an order id the account has already used, means the
   first attempt landed and nothing is sent (``OrderAlreadyPlaced``).

A filled market order leaves no account behind, so its client order id is found
only through its order id (``next_order_id`` moved past it): never re-number a
retried order.
"""

from __future__ import annotations

from dataclasses import dataclass

from solders.pubkey import Pubkey
from solders.transaction import VersionedTransaction

from quantdesk.engine import Order, State
from quantdesk.errors import VenueError
from quantdesk.exchange._idl import IdlError, PerpIdl
from quantdesk.exchange._pdas import Pdas
from quantdesk.exchange.solana._errors import OrderAlreadyPlaced

# How far back an order id is searched for when a transaction's order account is not the next one.
ORDER_ID_SCAN = 256


@dataclass(frozen=True)
class Placement:
    """The place_order in a transaction: its accounts and client order id."""

    user: Pubkey
    order: Pubkey
    client_order_id: int


def placement_of(idl: PerpIdl, tx: VersionedTransaction) -> Placement:
    """The transaction's single place_order instruction, or VenueError."""
    message = tx.message
    keys = list(message.account_keys)
    found: list[Placement] = []
    for ix in message.instructions:
        if keys[ix.program_id_index] != idl.program_id:
            continue
        try:
            name, args = idl.decode(bytes(ix.data))
        except IdlError:
            continue
        if name != "place_order":
            continue
        accounts = dict(zip(idl.account_names(name), (keys[i] for i in ix.accounts), strict=False))
        found.append(Placement(accounts["user"], accounts["order"], int(args["params"]["client_order_id"])))
    if len(found) != 1:
        raise VenueError("submit_order_once needs a transaction with exactly one place_order, "
                         f"this one has {len(found)}")
    return found[0]


def find_by_client_id(state: State, owner: bytes, client_order_id: int) -> Order | None:
    """The resting order of ``owner`` with this client order id."""
    return next((o for o in state.orders if o.owner == owner and o.client_order_id == client_order_id), None)


def check_not_placed(pdas: Pdas, state: State, owner: bytes, placement: Placement) -> None:
    """Raise OrderAlreadyPlaced if ``placement`` (or its client order id) already landed."""
    b58 = str(Pubkey(owner))
    resting = find_by_client_id(state, owner, placement.client_order_id)
    if resting is not None:
        raise OrderAlreadyPlaced(b58, placement.client_order_id, resting.id, resting=True)
    user = state.user(owner)
    if user is None or placement.order == pdas.order(owner, user.next_order_id):
        return
    for order_id in range(user.next_order_id - 1, max(-1, user.next_order_id - 1 - ORDER_ID_SCAN), -1):
        if pdas.order(owner, order_id) == placement.order:
            raise OrderAlreadyPlaced(b58, placement.client_order_id, order_id,
                                     resting=any(o.owner == owner and o.id == order_id for o in state.orders))
