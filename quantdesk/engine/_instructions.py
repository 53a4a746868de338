"""The instructions ``apply`` accepts (SPEC.md section 6), one frozen class each.

Each class's ``TYPE`` is the instruction's JSON ``type`` (and Anchor name).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from quantdesk.engine._state import ExchangeParams, Key, MarketParams, OrderKind, Pool, Side

__all__ = [
    "AddMarket",
    "CancelOrder",
    "ClosePosition",
    "CreateUser",
    "Deposit",
    "FundPool",
    "InitializeExchange",
    "Instruction",
    "Liquidate",
    "PlaceOrder",
    "SetDelegate",
    "SetPaused",
    "SettleFunding",
    "TriggerOrder",
    "Withdraw",
]


@dataclass(frozen=True, slots=True)
class InitializeExchange:
    TYPE: ClassVar[str] = "initialize_exchange"
    signer: Key  # becomes the admin
    collateral_mint: Key
    params: ExchangeParams


@dataclass(frozen=True, slots=True)
class AddMarket:
    TYPE: ClassVar[str] = "add_market"
    signer: Key
    params: MarketParams


@dataclass(frozen=True, slots=True)
class SetPaused:
    TYPE: ClassVar[str] = "set_paused"
    signer: Key
    market_index: int | None  # None: the whole exchange
    paused: bool


@dataclass(frozen=True, slots=True)
class FundPool:
    TYPE: ClassVar[str] = "fund_pool"
    signer: Key
    pool: Pool
    amount: int  # u64


@dataclass(frozen=True, slots=True)
class CreateUser:
    TYPE: ClassVar[str] = "create_user"
    signer: Key  # becomes the owner
    delegate: Key | None


@dataclass(frozen=True, slots=True)
class SetDelegate:
    TYPE: ClassVar[str] = "set_delegate"
    signer: Key
    owner: Key
    delegate: Key | None  # None clears it


@dataclass(frozen=True, slots=True)
class Deposit:
    """Anyone may deposit into any account."""

    TYPE: ClassVar[str] = "deposit"
    owner: Key
    amount: int  # u64


@dataclass(frozen=True, slots=True)
class Withdraw:
    TYPE: ClassVar[str] = "withdraw"
    signer: Key
    owner: Key
    amount: int  # u64


@dataclass(frozen=True, slots=True)
class PlaceOrder:
    TYPE: ClassVar[str] = "place_order"
    signer: Key
    owner: Key
    market_index: int  # u16
    kind: OrderKind
    side: Side
    size: int  # u64 base units, rounded down to the lot
    price: int  # i64: limit price (required for limits); else worst fill price, 0 = none
    trigger_price: int  # i64: stop-loss / take-profit trigger (required for them)
    reduce_only: bool
    client_order_id: int  # u64
    leverage: int  # u16


@dataclass(frozen=True, slots=True)
class CancelOrder:
    TYPE: ClassVar[str] = "cancel_order"
    signer: Key
    owner: Key
    order_id: int  # u64


@dataclass(frozen=True, slots=True)
class ClosePosition:
    TYPE: ClassVar[str] = "close_position"
    signer: Key
    owner: Key
    market_index: int  # u16
    size: int  # u64: 0 (or at least the position) closes it all
    price_limit: int  # i64: worst acceptable fill price, 0 = none


@dataclass(frozen=True, slots=True)
class TriggerOrder:
    """Permissionless: any keeper may trigger a due order."""

    TYPE: ClassVar[str] = "trigger_order"
    owner: Key
    order_id: int  # u64


@dataclass(frozen=True, slots=True)
class SettleFunding:
    TYPE: ClassVar[str] = "settle_funding"
    market_index: int  # u16


@dataclass(frozen=True, slots=True)
class Liquidate:
    """The signer's own trading account receives the liquidator reward."""

    TYPE: ClassVar[str] = "liquidate"
    signer: Key
    owner: Key
    market_index: int  # u16


Instruction = (
    InitializeExchange
    | AddMarket
    | SetPaused
    | FundPool
    | CreateUser
    | SetDelegate
    | Deposit
    | Withdraw
    | PlaceOrder
    | CancelOrder
    | ClosePosition
    | TriggerOrder
    | SettleFunding
    | Liquidate
)
