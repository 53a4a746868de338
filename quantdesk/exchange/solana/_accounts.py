"""The program's accounts and the engine's ``State``, in both directions.

Field by field as programs/quantdesk_perp/src/convert.rs maps them: the accounts
store exactly the engine's fields plus PDA bumps, ``Exchange.market_count`` and
``Order.rent_payer``. Decoding reads what a cluster returns; encoding writes what
the program would store (the RPC test double serves it, and the round-trip tests
hold the two directions together).

Account data is the Anchor discriminator plus Borsh, zero-padded to the space the
program allocates (``8 + InitSpace``): an account whose ``Option`` is ``None``
still occupies the full size on chain.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from solders.pubkey import Pubkey

from quantdesk.engine import (
    MAX_POSITIONS,
    Exchange,
    ExchangeParams,
    Key,
    Market,
    MarketParams,
    Order,
    OrderKind,
    Position,
    Side,
    State,
    User,
)
from quantdesk.errors import VenueError
from quantdesk.exchange._idl import PerpIdl
from quantdesk.exchange._pdas import Pdas

# 8 + InitSpace of each #[account] in programs/quantdesk_perp/src/state.rs.
ACCOUNT_SPACE: Mapping[str, int] = {"Exchange": 106, "Market": 171, "UserAccount": 428, "Order": 136}

_KINDS = {OrderKind.MARKET: "Market", OrderKind.LIMIT: "Limit", OrderKind.STOP_LOSS: "StopLoss",
          OrderKind.TAKE_PROFIT: "TakeProfit"}
_SIDES = {Side.BUY: "Buy", Side.SELL: "Sell"}
_KIND_OF = {v: k for k, v in _KINDS.items()}
_SIDE_OF = {v: k for k, v in _SIDES.items()}
_EMPTY_SLOT = {"market_index": 0, "base": 0, "quote_entry": 0, "margin": 0, "last_cumulative_funding": 0}


class AccountDecodeError(VenueError):
    """Account data that is not the program account it should be."""


@dataclass(frozen=True)
class ExchangeAccount:
    exchange: Exchange
    market_count: int


# --- engine -> account bytes ------------------------------------------------------
def encode_exchange(idl: PerpIdl, pdas: Pdas, exchange: Exchange, market_count: int) -> bytes:
    p = exchange.params
    return _encode(idl, "Exchange", {
        "admin": _b58(exchange.admin), "collateral_mint": _b58(exchange.collateral_mint),
        "params": {"liquidation_fee_ppm": p.liquidation_fee_ppm, "liquidator_share_ppm": p.liquidator_share_ppm,
                   "insurance_fee_share_ppm": p.insurance_fee_share_ppm},
        "paused": exchange.paused, "liquidity_vault": exchange.liquidity_vault,
        "insurance_fund": exchange.insurance_fund, "market_count": market_count,
        "bump": pdas.find(b"exchange")[1], "vault_bump": pdas.find(b"vault")[1],
        "insurance_bump": pdas.find(b"insurance")[1],
    })


def encode_market(idl: PerpIdl, pdas: Pdas, market: Market) -> bytes:
    p = market.params
    params = {
        "symbol": p.symbol, "pyth_feed_id": list(p.pyth_feed_id), "base_decimals": p.base_decimals,
        "max_leverage": p.max_leverage, "initial_margin_ppm": p.initial_margin_ppm,
        "maintenance_margin_ppm": p.maintenance_margin_ppm, "tick_size": p.tick_size, "lot_size": p.lot_size,
        "taker_fee_ppm": p.taker_fee_ppm, "maker_fee_ppm": p.maker_fee_ppm, "spread_ppm": p.spread_ppm,
        "oracle_max_age_secs": p.oracle_max_age_secs, "max_conf_ppm": p.max_conf_ppm,
        "funding_interval_secs": p.funding_interval_secs, "max_funding_rate": p.max_funding_rate,
    }
    return _encode(idl, "Market", {
        "index": market.index, "params": params, "paused": market.paused,
        "long_open_interest": market.long_open_interest, "short_open_interest": market.short_open_interest,
        "cumulative_funding": market.cumulative_funding, "last_funding_ts": market.last_funding_ts,
        "last_funding_rate": market.last_funding_rate,
        "bump": pdas.find(b"market", market.index.to_bytes(2, "little"))[1],
    })


def encode_user(idl: PerpIdl, pdas: Pdas, user: User) -> bytes:
    if len(user.positions) > MAX_POSITIONS:
        raise ValueError(f"a user holds at most {MAX_POSITIONS} positions, this one {len(user.positions)}")
    slots = [{"market_index": p.market_index, "base": p.base, "quote_entry": p.quote_entry, "margin": p.margin,
              "last_cumulative_funding": p.last_cumulative_funding} for p in user.positions]
    slots += [dict(_EMPTY_SLOT) for _ in range(MAX_POSITIONS - len(slots))]
    return _encode(idl, "UserAccount", {
        "owner": _b58(user.owner), "delegate": None if user.delegate is None else _b58(user.delegate),
        "collateral": user.collateral, "positions": slots, "next_order_id": user.next_order_id,
        "open_orders": user.open_orders, "bump": pdas.find(b"user", user.owner)[1],
    })


def encode_order(idl: PerpIdl, pdas: Pdas, order: Order, rent_payer: Key) -> bytes:
    """``rent_payer`` is not engine state: whoever signed the place_order (usually the owner)."""
    seeds = (b"order", bytes(pdas.user(order.owner)), order.id.to_bytes(8, "little"))
    return _encode(idl, "Order", {
        "id": order.id, "owner": _b58(order.owner), "market_index": order.market_index,
        "kind": {_KINDS[order.kind]: {}}, "side": {_SIDES[order.side]: {}}, "size": order.size,
        "price": order.price, "trigger_price": order.trigger_price, "reduce_only": order.reduce_only,
        "client_order_id": order.client_order_id, "leverage": order.leverage, "reserved": order.reserved,
        "placed_at": order.placed_at, "rent_payer": _b58(rent_payer), "bump": pdas.find(*seeds)[1],
    })


def encode_state(idl: PerpIdl, state: State, *, rent_payers: Mapping[tuple[Key, int], Key] | None = None,
                 ) -> dict[Pubkey, bytes]:
    """Every program account the state consists of, by address. Orders' rent payers
    default to their owners (the engine does not track who paid)."""
    pdas = Pdas(idl.program_id)
    accounts: dict[Pubkey, bytes] = {}
    if state.exchange is not None:
        accounts[pdas.exchange()] = encode_exchange(idl, pdas, state.exchange, len(state.markets))
    for market in state.markets:
        accounts[pdas.market(market.index)] = encode_market(idl, pdas, market)
    for user in state.users:
        accounts[pdas.user(user.owner)] = encode_user(idl, pdas, user)
    for order in state.orders:
        payer = (rent_payers or {}).get((order.owner, order.id), order.owner)
        accounts[pdas.order(order.owner, order.id)] = encode_order(idl, pdas, order, payer)
    return accounts


# --- account bytes -> engine ------------------------------------------------------
def decode_exchange(idl: PerpIdl, data: bytes) -> ExchangeAccount:
    f = _decode(idl, "Exchange", data)
    p = f["params"]
    exchange = Exchange(
        admin=_key(f["admin"]), collateral_mint=_key(f["collateral_mint"]),
        params=ExchangeParams(int(p["liquidation_fee_ppm"]), int(p["liquidator_share_ppm"]),
                              int(p["insurance_fee_share_ppm"])),
        paused=bool(f["paused"]), liquidity_vault=int(f["liquidity_vault"]), insurance_fund=int(f["insurance_fund"]),
    )
    return ExchangeAccount(exchange, int(f["market_count"]))


def decode_market(idl: PerpIdl, data: bytes) -> Market:
    f = _decode(idl, "Market", data)
    p = f["params"]
    params = MarketParams(
        symbol=str(p["symbol"]), pyth_feed_id=bytes(p["pyth_feed_id"]), base_decimals=int(p["base_decimals"]),
        max_leverage=int(p["max_leverage"]), initial_margin_ppm=int(p["initial_margin_ppm"]),
        maintenance_margin_ppm=int(p["maintenance_margin_ppm"]), tick_size=int(p["tick_size"]),
        lot_size=int(p["lot_size"]), taker_fee_ppm=int(p["taker_fee_ppm"]), maker_fee_ppm=int(p["maker_fee_ppm"]),
        spread_ppm=int(p["spread_ppm"]), oracle_max_age_secs=int(p["oracle_max_age_secs"]),
        max_conf_ppm=int(p["max_conf_ppm"]), funding_interval_secs=int(p["funding_interval_secs"]),
        max_funding_rate=int(p["max_funding_rate"]),
    )
    return Market(index=int(f["index"]), params=params, paused=bool(f["paused"]),
                  long_open_interest=int(f["long_open_interest"]), short_open_interest=int(f["short_open_interest"]),
                  cumulative_funding=int(f["cumulative_funding"]), last_funding_ts=int(f["last_funding_ts"]),
                  last_funding_rate=int(f["last_funding_rate"]))


def decode_user(idl: PerpIdl, data: bytes) -> User:
    f = _decode(idl, "UserAccount", data)
    positions = tuple(
        Position(market_index=int(s["market_index"]), base=int(s["base"]), quote_entry=int(s["quote_entry"]),
                 margin=int(s["margin"]), last_cumulative_funding=int(s["last_cumulative_funding"]))
        for s in f["positions"] if int(s["base"]) != 0  # a zero base marks a free slot
    )
    return User(owner=_key(f["owner"]), delegate=None if f["delegate"] is None else _key(f["delegate"]),
                collateral=int(f["collateral"]), positions=positions, next_order_id=int(f["next_order_id"]),
                open_orders=int(f["open_orders"]))


def decode_order(idl: PerpIdl, data: bytes) -> Order:
    f = _decode(idl, "Order", data)
    (kind,), (side,) = f["kind"], f["side"]
    return Order(id=int(f["id"]), owner=_key(f["owner"]), market_index=int(f["market_index"]),
                 kind=_KIND_OF[kind], side=_SIDE_OF[side],
                 size=int(f["size"]), price=int(f["price"]), trigger_price=int(f["trigger_price"]),
                 reduce_only=bool(f["reduce_only"]), client_order_id=int(f["client_order_id"]),
                 leverage=int(f["leverage"]), reserved=int(f["reserved"]), placed_at=int(f["placed_at"]))


def decode_state(idl: PerpIdl, exchange: bytes | None, markets: Iterable[bytes], users: Iterable[bytes],
                 orders: Iterable[bytes]) -> State:
    """The engine state from the accounts' data (users and orders in the order given)."""
    if exchange is None:
        return State()
    return State(exchange=decode_exchange(idl, exchange).exchange,
                 markets=tuple(sorted((decode_market(idl, m) for m in markets), key=lambda m: m.index)),
                 users=tuple(decode_user(idl, u) for u in users),
                 orders=tuple(decode_order(idl, o) for o in orders))


# --- helpers ------------------------------------------------------------------------
def _encode(idl: PerpIdl, name: str, fields: Mapping[str, Any]) -> bytes:
    raw = idl.encode_account(name, fields)
    space = ACCOUNT_SPACE[name]
    if len(raw) > space:
        raise ValueError(f"{name} encodes to {len(raw)} bytes, more than the {space} the program allocates")
    return raw + bytes(space - len(raw))


def _decode(idl: PerpIdl, expected: str, data: bytes) -> dict[str, Any]:
    try:
        name, fields = idl.decode_account(data)
    except Exception as exc:  # construct raises many unrelated types for bad bytes
        raise AccountDecodeError(f"account data is not a {expected} account ({type(exc).__name__})") from None
    if name != expected:
        raise AccountDecodeError(f"expected a {expected} account, the data holds a {name}")
    return fields


def _b58(key: Key) -> str:
    return str(Pubkey(key))


def _key(value: str) -> Key:
    return bytes(Pubkey.from_string(value))
