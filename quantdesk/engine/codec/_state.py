"""JSON form of the engine state (vectors/README.md, STATE)."""

from __future__ import annotations

from typing import Any

from quantdesk.engine._state import (
    Exchange,
    ExchangeParams,
    Market,
    MarketParams,
    Order,
    OrderKind,
    Pool,
    Position,
    Side,
    State,
    User,
)
from quantdesk.engine.codec._fields import (
    I64,
    U8,
    U16,
    U32,
    U64,
    CodecError,
    Fields,
    encode_hex32,
    encode_key,
    encode_opt_key,
)

__all__ = [
    "decode_exchange",
    "decode_exchange_params",
    "decode_market",
    "decode_order",
    "decode_user",
    "encode_exchange",
    "encode_market",
    "encode_order",
    "encode_user",
    "decode_market_params",
    "decode_state",
    "encode_exchange_params",
    "encode_market_params",
    "encode_state",
    "parse_kind",
    "parse_pool",
    "parse_side",
]


def encode_state(s: State) -> dict[str, Any]:
    return {
        "exchange": None if s.exchange is None else _encode_exchange(s.exchange),
        "markets": [_encode_market(m) for m in s.markets],
        "users": [_encode_user(u) for u in s.users],
        "orders": [_encode_order(o) for o in s.orders],
    }


def decode_state(v: Any) -> State:
    f = Fields("state", v)
    raw_exchange = f.raw("exchange")
    exchange = None if raw_exchange is None else _decode_exchange(raw_exchange)
    markets = tuple(_decode_market(m) for m in f.array("markets"))
    users = tuple(_decode_user(u) for u in f.array("users"))
    orders = tuple(_decode_order(o) for o in f.array("orders"))
    f.finish()
    for i, m in enumerate(markets):
        if m.index != i:
            raise CodecError(f"state: markets[{i}] has index {m.index}")
    return State(exchange=exchange, markets=markets, users=users, orders=orders)


def encode_exchange_params(p: ExchangeParams) -> dict[str, Any]:
    return {
        "liquidation_fee_ppm": p.liquidation_fee_ppm,
        "liquidator_share_ppm": p.liquidator_share_ppm,
        "insurance_fee_share_ppm": p.insurance_fee_share_ppm,
    }


def decode_exchange_params(v: Any) -> ExchangeParams:
    f = Fields("exchange params", v)
    p = ExchangeParams(
        liquidation_fee_ppm=f.integer("liquidation_fee_ppm", U32),
        liquidator_share_ppm=f.integer("liquidator_share_ppm", U32),
        insurance_fee_share_ppm=f.integer("insurance_fee_share_ppm", U32),
    )
    f.finish()
    return p


def _encode_exchange(e: Exchange) -> dict[str, Any]:
    return {
        "admin": encode_key(e.admin),
        "collateral_mint": encode_key(e.collateral_mint),
        "params": encode_exchange_params(e.params),
        "paused": e.paused,
        "liquidity_vault": e.liquidity_vault,
        "insurance_fund": e.insurance_fund,
    }


def _decode_exchange(v: Any) -> Exchange:
    f = Fields("exchange", v)
    e = Exchange(
        admin=f.key("admin"),
        collateral_mint=f.key("collateral_mint"),
        params=decode_exchange_params(f.raw("params")),
        paused=f.boolean("paused"),
        liquidity_vault=f.integer("liquidity_vault", U64),
        insurance_fund=f.integer("insurance_fund", U64),
    )
    f.finish()
    return e


def encode_market_params(p: MarketParams) -> dict[str, Any]:
    return {
        "symbol": p.symbol,
        "pyth_feed_id": encode_hex32(p.pyth_feed_id),
        "base_decimals": p.base_decimals,
        "max_leverage": p.max_leverage,
        "initial_margin_ppm": p.initial_margin_ppm,
        "maintenance_margin_ppm": p.maintenance_margin_ppm,
        "tick_size": p.tick_size,
        "lot_size": p.lot_size,
        "taker_fee_ppm": p.taker_fee_ppm,
        "maker_fee_ppm": p.maker_fee_ppm,
        "spread_ppm": p.spread_ppm,
        "oracle_max_age_secs": p.oracle_max_age_secs,
        "max_conf_ppm": p.max_conf_ppm,
        "funding_interval_secs": p.funding_interval_secs,
        "max_funding_rate": p.max_funding_rate,
    }


def decode_market_params(v: Any) -> MarketParams:
    f = Fields("market params", v)
    p = MarketParams(
        symbol=f.string("symbol"),
        pyth_feed_id=f.hex32("pyth_feed_id"),
        base_decimals=f.integer("base_decimals", U8),
        max_leverage=f.integer("max_leverage", U16),
        initial_margin_ppm=f.integer("initial_margin_ppm", U32),
        maintenance_margin_ppm=f.integer("maintenance_margin_ppm", U32),
        tick_size=f.integer("tick_size", I64),
        lot_size=f.integer("lot_size", U64),
        taker_fee_ppm=f.integer("taker_fee_ppm", U32),
        maker_fee_ppm=f.integer("maker_fee_ppm", U32),
        spread_ppm=f.integer("spread_ppm", U32),
        oracle_max_age_secs=f.integer("oracle_max_age_secs", U32),
        max_conf_ppm=f.integer("max_conf_ppm", U32),
        funding_interval_secs=f.integer("funding_interval_secs", U32),
        max_funding_rate=f.integer("max_funding_rate", I64),
    )
    f.finish()
    return p


def _encode_market(m: Market) -> dict[str, Any]:
    return {
        "index": m.index,
        "params": encode_market_params(m.params),
        "paused": m.paused,
        "long_open_interest": m.long_open_interest,
        "short_open_interest": m.short_open_interest,
        "cumulative_funding": str(m.cumulative_funding),
        "last_funding_ts": m.last_funding_ts,
        "last_funding_rate": m.last_funding_rate,
    }


def _decode_market(v: Any) -> Market:
    f = Fields("market", v)
    m = Market(
        index=f.integer("index", U16),
        params=decode_market_params(f.raw("params")),
        paused=f.boolean("paused"),
        long_open_interest=f.integer("long_open_interest", U64),
        short_open_interest=f.integer("short_open_interest", U64),
        cumulative_funding=f.i128_string("cumulative_funding"),
        last_funding_ts=f.integer("last_funding_ts", I64),
        last_funding_rate=f.integer("last_funding_rate", I64),
    )
    f.finish()
    return m


def _encode_position(p: Position) -> dict[str, Any]:
    return {
        "market_index": p.market_index,
        "base": p.base,
        "quote_entry": p.quote_entry,
        "margin": p.margin,
        "last_cumulative_funding": str(p.last_cumulative_funding),
    }


def _decode_position(v: Any) -> Position:
    f = Fields("position", v)
    p = Position(
        market_index=f.integer("market_index", U16),
        base=f.integer("base", I64),
        quote_entry=f.integer("quote_entry", I64),
        margin=f.integer("margin", I64),
        last_cumulative_funding=f.i128_string("last_cumulative_funding"),
    )
    f.finish()
    return p


def _encode_user(u: User) -> dict[str, Any]:
    return {
        "owner": encode_key(u.owner),
        "delegate": encode_opt_key(u.delegate),
        "collateral": u.collateral,
        "positions": [_encode_position(p) for p in u.positions],
        "next_order_id": u.next_order_id,
        "open_orders": u.open_orders,
    }


def _decode_user(v: Any) -> User:
    f = Fields("user", v)
    u = User(
        owner=f.key("owner"),
        delegate=f.opt_key("delegate"),
        collateral=f.integer("collateral", U64),
        positions=tuple(_decode_position(p) for p in f.array("positions")),
        next_order_id=f.integer("next_order_id", U64),
        open_orders=f.integer("open_orders", U16),
    )
    f.finish()
    return u


def _encode_order(o: Order) -> dict[str, Any]:
    return {
        "id": o.id,
        "owner": encode_key(o.owner),
        "market_index": o.market_index,
        "kind": o.kind.value,
        "side": o.side.value,
        "size": o.size,
        "price": o.price,
        "trigger_price": o.trigger_price,
        "reduce_only": o.reduce_only,
        "client_order_id": o.client_order_id,
        "leverage": o.leverage,
        "reserved": o.reserved,
        "placed_at": o.placed_at,
    }


def _decode_order(v: Any) -> Order:
    f = Fields("order", v)
    o = Order(
        id=f.integer("id", U64),
        owner=f.key("owner"),
        market_index=f.integer("market_index", U16),
        kind=parse_kind(f.string("kind")),
        side=parse_side(f.string("side")),
        size=f.integer("size", U64),
        price=f.integer("price", I64),
        trigger_price=f.integer("trigger_price", I64),
        reduce_only=f.boolean("reduce_only"),
        client_order_id=f.integer("client_order_id", U64),
        leverage=f.integer("leverage", U16),
        reserved=f.integer("reserved", U64),
        placed_at=f.integer("placed_at", I64),
    )
    f.finish()
    return o


def parse_kind(s: str) -> OrderKind:
    try:
        return OrderKind(s)
    except ValueError:
        raise CodecError(f"unknown order kind `{s}`") from None


def parse_side(s: str) -> Side:
    try:
        return Side(s)
    except ValueError:
        raise CodecError(f"unknown side `{s}`") from None


def parse_pool(s: str) -> Pool:
    try:
        return Pool(s)
    except ValueError:
        raise CodecError(f"unknown pool `{s}`") from None


# One account at a time (the paper venue stores each program account as its own row).
encode_exchange, decode_exchange = _encode_exchange, _decode_exchange
encode_market, decode_market = _encode_market, _decode_market
encode_user, decode_user = _encode_user, _decode_user
encode_order, decode_order = _encode_order, _decode_order
