"""Events an instruction emits, in the order they happen (SPEC.md section 8).

Each class's ``TYPE`` is its name in the Rust engine, the Anchor program and the
JSON vectors. Two Python names differ from it because the instruction of the same
name exists too: :class:`Deposited` is ``Deposit`` and :class:`Withdrawn` is
``Withdraw``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from quantdesk.engine._state import Key, OrderKind, Pool, Side

__all__ = [
    "Deposited",
    "DelegateSet",
    "Event",
    "ExchangeInitialized",
    "FundingPaid",
    "FundingSettled",
    "Liquidated",
    "MarketAdded",
    "OrderCancelled",
    "OrderFilled",
    "OrderPlaced",
    "PauseSet",
    "PoolFunded",
    "PositionClosed",
    "UserCreated",
    "Withdrawn",
]


@dataclass(frozen=True, slots=True)
class ExchangeInitialized:
    TYPE: ClassVar[str] = "ExchangeInitialized"
    admin: Key
    collateral_mint: Key


@dataclass(frozen=True, slots=True)
class MarketAdded:
    TYPE: ClassVar[str] = "MarketAdded"
    market_index: int
    symbol: str
    pyth_feed_id: bytes


@dataclass(frozen=True, slots=True)
class PauseSet:
    TYPE: ClassVar[str] = "PauseSet"
    market_index: int | None  # None: the whole exchange
    paused: bool


@dataclass(frozen=True, slots=True)
class PoolFunded:
    TYPE: ClassVar[str] = "PoolFunded"
    pool: Pool
    amount: int
    balance: int  # after


@dataclass(frozen=True, slots=True)
class UserCreated:
    TYPE: ClassVar[str] = "UserCreated"
    owner: Key
    delegate: Key | None


@dataclass(frozen=True, slots=True)
class DelegateSet:
    TYPE: ClassVar[str] = "DelegateSet"
    owner: Key
    delegate: Key | None


@dataclass(frozen=True, slots=True)
class Deposited:
    TYPE: ClassVar[str] = "Deposit"
    owner: Key
    amount: int
    collateral: int  # after


@dataclass(frozen=True, slots=True)
class Withdrawn:
    TYPE: ClassVar[str] = "Withdraw"
    owner: Key
    amount: int
    collateral: int  # after


@dataclass(frozen=True, slots=True)
class OrderPlaced:
    TYPE: ClassVar[str] = "OrderPlaced"
    owner: Key
    order_id: int
    client_order_id: int
    market_index: int
    kind: OrderKind
    side: Side
    size: int  # rounded down to the lot
    price: int  # rounded to the tick against the trader
    trigger_price: int
    reduce_only: bool  # effective (stop-loss / take-profit are always reduce-only)
    leverage: int
    resting: bool  # stored instead of filled now
    reserved: int


@dataclass(frozen=True, slots=True)
class OrderFilled:
    TYPE: ClassVar[str] = "OrderFilled"
    owner: Key
    order_id: int | None  # None for close_position, which fills without an order
    market_index: int
    side: Side
    size: int
    price: int
    maker: bool
    fee: int
    realized_pnl: int  # on the reduced part, before the fee; 0 when opening or growing
    position_base: int  # after the fill (0 when closed)
    position_quote_entry: int
    position_margin: int
    liquidation_price: int  # 0 when closed or not liquidatable at any positive price


@dataclass(frozen=True, slots=True)
class OrderCancelled:
    TYPE: ClassVar[str] = "OrderCancelled"
    owner: Key
    order_id: int
    refunded: int


@dataclass(frozen=True, slots=True)
class PositionClosed:
    TYPE: ClassVar[str] = "PositionClosed"
    owner: Key
    market_index: int
    payout: int  # returned to free collateral
    bad_debt: int  # loss beyond the margin, covered by insurance then the vault


@dataclass(frozen=True, slots=True)
class FundingSettled:
    TYPE: ClassVar[str] = "FundingSettled"
    market_index: int
    rate: int
    intervals: int
    oracle_price: int
    cumulative_funding: int  # i128


@dataclass(frozen=True, slots=True)
class FundingPaid:
    TYPE: ClassVar[str] = "FundingPaid"
    owner: Key
    market_index: int
    amount: int  # positive: paid by the position to the vault; negative: received


@dataclass(frozen=True, slots=True)
class Liquidated:
    TYPE: ClassVar[str] = "Liquidated"
    owner: Key
    liquidator: Key
    market_index: int
    base: int
    price: int
    realized_pnl: int
    liquidation_fee: int
    liquidator_reward: int
    insurance_fee: int
    payout: int
    bad_debt: int
    insurance_cover: int


Event = (
    ExchangeInitialized
    | MarketAdded
    | PauseSet
    | PoolFunded
    | UserCreated
    | DelegateSet
    | Deposited
    | Withdrawn
    | OrderPlaced
    | OrderFilled
    | OrderCancelled
    | PositionClosed
    | FundingSettled
    | FundingPaid
    | Liquidated
)
