"""The engine's state: frozen plain data with the same fields the Anchor accounts store.

Units (SPEC.md section 2): collateral and every money amount in USDC base units
(10^-6 USD); prices in 10^-6 quote per one whole base unit; sizes and position
bases in base units of the market (10^-base_decimals of one unit); ratios in parts
per million; funding rates in 10^-9 per interval. Integers are Python ints holding
the Rust type named next to each field; the codec checks those ranges on input.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import Enum

__all__ = [
    "MAX_MARKETS",
    "MAX_OPEN_ORDERS",
    "MAX_POSITIONS",
    "MAX_SYMBOL_LEN",
    "Exchange",
    "ExchangeParams",
    "Key",
    "Market",
    "MarketParams",
    "Order",
    "OrderKind",
    "Pool",
    "Position",
    "Side",
    "State",
    "User",
]

# A 32-byte public key (base58 in JSON).
Key = bytes

MAX_MARKETS = 16
MAX_POSITIONS = 8
MAX_OPEN_ORDERS = 16
MAX_SYMBOL_LEN = 16


class Side(Enum):
    BUY = "buy"
    SELL = "sell"

    @property
    def sign(self) -> int:
        """+1 for buy (long), -1 for sell (short)."""
        return 1 if self is Side.BUY else -1

    @staticmethod
    def closing(base: int) -> Side:
        """The side that reduces a position of this base (positive = long)."""
        return Side.SELL if base > 0 else Side.BUY


class OrderKind(Enum):
    MARKET = "market"
    LIMIT = "limit"
    STOP_LOSS = "stop_loss"
    TAKE_PROFIT = "take_profit"

    @property
    def forces_reduce_only(self) -> bool:
        """Stop-loss and take-profit orders exist to close positions: always reduce-only."""
        return self in (OrderKind.STOP_LOSS, OrderKind.TAKE_PROFIT)


class Pool(Enum):
    LIQUIDITY = "liquidity"
    INSURANCE = "insurance"


@dataclass(frozen=True, slots=True)
class ExchangeParams:
    liquidation_fee_ppm: int  # u32, ppm of the liquidated notional
    liquidator_share_ppm: int  # u32, share of the liquidation fee to the liquidator
    insurance_fee_share_ppm: int  # u32, share of every trading fee to insurance


@dataclass(frozen=True, slots=True)
class Exchange:
    admin: Key
    collateral_mint: Key
    params: ExchangeParams
    paused: bool
    liquidity_vault: int  # u64: the program's side of every trade
    insurance_fund: int  # u64: liquidation fees, a share of trading fees; covers bad debt first


@dataclass(frozen=True, slots=True)
class MarketParams:
    symbol: str
    pyth_feed_id: bytes  # 32 bytes
    base_decimals: int  # u8
    max_leverage: int  # u16
    initial_margin_ppm: int  # u32
    maintenance_margin_ppm: int  # u32
    tick_size: int  # i64, price units
    lot_size: int  # u64, base units
    taker_fee_ppm: int  # u32
    maker_fee_ppm: int  # u32
    spread_ppm: int  # u32, half-spread around the oracle at which the vault fills takers
    oracle_max_age_secs: int  # u32
    max_conf_ppm: int  # u32, largest accepted confidence / price
    funding_interval_secs: int  # u32
    max_funding_rate: int  # i64, 10^-9 per interval at full open-interest imbalance


@dataclass(frozen=True, slots=True)
class Market:
    index: int  # u16
    params: MarketParams
    paused: bool
    long_open_interest: int  # u64
    short_open_interest: int  # u64
    cumulative_funding: int  # i128, 10^-15 quote per whole base unit
    last_funding_ts: int  # i64
    last_funding_rate: int  # i64, positive: longs pay


@dataclass(frozen=True, slots=True)
class Position:
    """An isolated-margin position: its losses never reach the account's free collateral."""

    market_index: int  # u16
    base: int  # i64, positive long, negative short, never zero while open
    quote_entry: int  # i64, signed cost basis
    margin: int  # i64, collateral locked; negative only once bankrupt
    last_cumulative_funding: int  # i128, the market index when funding was last settled


@dataclass(frozen=True, slots=True)
class User:
    owner: Key
    delegate: Key | None  # may place, cancel and close; never withdraw or change the delegate
    collateral: int  # u64, free collateral
    positions: tuple[Position, ...]  # sorted by market index, at most MAX_POSITIONS
    next_order_id: int  # u64
    open_orders: int  # u16

    def position(self, market_index: int) -> Position | None:
        return next((p for p in self.positions if p.market_index == market_index), None)

    def position_base(self, market_index: int) -> int:
        position = self.position(market_index)
        return 0 if position is None else position.base

    def may_trade(self, signer: Key) -> bool:
        return signer == self.owner or (self.delegate is not None and self.delegate == signer)

    def with_position(self, position: Position) -> User:
        """Replaces the position of its market, or inserts it keeping the list sorted."""
        positions = list(self.positions)
        at = next((i for i, p in enumerate(positions) if p.market_index == position.market_index), None)
        if at is None:
            positions.insert(sum(1 for p in positions if p.market_index < position.market_index), position)
        else:
            positions[at] = position
        return dataclasses.replace(self, positions=tuple(positions))

    def without_position(self, market_index: int) -> User:
        return dataclasses.replace(self, positions=tuple(p for p in self.positions if p.market_index != market_index))


@dataclass(frozen=True, slots=True)
class Order:
    id: int  # u64
    owner: Key
    market_index: int  # u16
    kind: OrderKind
    side: Side
    size: int  # u64, a multiple of the lot size
    # Limit: the limit price. Others: the worst acceptable fill price (0 = none).
    # Already rounded to the tick against the trader.
    price: int  # i64
    trigger_price: int  # i64, stop-loss / take-profit trigger; else 0
    reduce_only: bool
    client_order_id: int  # u64
    leverage: int  # u16
    reserved: int  # u64, collateral set aside for the margin and fee of a growing order
    placed_at: int  # i64


@dataclass(frozen=True, slots=True)
class State:
    """The whole exchange as ``apply`` sees it."""

    exchange: Exchange | None = None
    markets: tuple[Market, ...] = ()  # markets[i].index == i
    users: tuple[User, ...] = ()  # in creation order
    orders: tuple[Order, ...] = ()  # resting orders, in placement order

    def user(self, owner: Key) -> User | None:
        return next((u for u in self.users if u.owner == owner), None)

    def total_collateral(self) -> int:
        """Every unit of collateral the program holds: free collateral, position margins,
        order reservations, the liquidity vault and the insurance fund. Only deposits,
        withdrawals and pool funding change it."""
        users = sum(u.collateral + sum(p.margin for p in u.positions) for u in self.users)
        reserved = sum(o.reserved for o in self.orders)
        pools = 0 if self.exchange is None else self.exchange.liquidity_vault + self.exchange.insurance_fund
        return users + reserved + pools
