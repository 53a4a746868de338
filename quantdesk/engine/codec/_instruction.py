"""JSON form of instructions and of what the runtime supplies with them (oracle, clock)."""

from __future__ import annotations

from typing import Any

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
from quantdesk.engine.codec._fields import (
    I32,
    I64,
    U16,
    U64,
    CodecError,
    Fields,
    encode_hex32,
    encode_key,
    encode_opt_key,
)
from quantdesk.engine.codec._state import (
    decode_exchange_params,
    decode_market_params,
    encode_exchange_params,
    encode_market_params,
    parse_kind,
    parse_pool,
    parse_side,
)

__all__ = [
    "decode_clock",
    "decode_instruction",
    "decode_oracle",
    "decode_step",
    "encode_clock",
    "encode_instruction",
    "encode_oracle",
    "encode_step",
]


def encode_instruction(ix: Instruction) -> dict[str, Any]:
    body: dict[str, Any]
    match ix:
        case InitializeExchange():
            body = {
                "signer": encode_key(ix.signer),
                "collateral_mint": encode_key(ix.collateral_mint),
                "params": encode_exchange_params(ix.params),
            }
        case AddMarket():
            body = {"signer": encode_key(ix.signer), "params": encode_market_params(ix.params)}
        case SetPaused():
            body = {"signer": encode_key(ix.signer), "market_index": ix.market_index, "paused": ix.paused}
        case FundPool():
            body = {"signer": encode_key(ix.signer), "pool": ix.pool.value, "amount": ix.amount}
        case CreateUser():
            body = {"signer": encode_key(ix.signer), "delegate": encode_opt_key(ix.delegate)}
        case SetDelegate():
            body = {
                "signer": encode_key(ix.signer),
                "owner": encode_key(ix.owner),
                "delegate": encode_opt_key(ix.delegate),
            }
        case Deposit():
            body = {"owner": encode_key(ix.owner), "amount": ix.amount}
        case Withdraw():
            body = {"signer": encode_key(ix.signer), "owner": encode_key(ix.owner), "amount": ix.amount}
        case PlaceOrder():
            body = {
                "signer": encode_key(ix.signer),
                "owner": encode_key(ix.owner),
                "market_index": ix.market_index,
                "kind": ix.kind.value,
                "side": ix.side.value,
                "size": ix.size,
                "price": ix.price,
                "trigger_price": ix.trigger_price,
                "reduce_only": ix.reduce_only,
                "client_order_id": ix.client_order_id,
                "leverage": ix.leverage,
            }
        case CancelOrder():
            body = {"signer": encode_key(ix.signer), "owner": encode_key(ix.owner), "order_id": ix.order_id}
        case ClosePosition():
            body = {
                "signer": encode_key(ix.signer),
                "owner": encode_key(ix.owner),
                "market_index": ix.market_index,
                "size": ix.size,
                "price_limit": ix.price_limit,
            }
        case TriggerOrder():
            body = {"owner": encode_key(ix.owner), "order_id": ix.order_id}
        case SettleFunding():
            body = {"market_index": ix.market_index}
        case Liquidate():
            body = {"signer": encode_key(ix.signer), "owner": encode_key(ix.owner), "market_index": ix.market_index}
        case _:
            raise TypeError(f"not an engine instruction: {ix!r}")
    body["type"] = ix.TYPE
    return body


def decode_instruction(v: Any) -> Instruction:
    f = Fields("instruction", v)
    kind = f.string("type")
    ix: Instruction
    if kind == "initialize_exchange":
        ix = InitializeExchange(
            signer=f.key("signer"),
            collateral_mint=f.key("collateral_mint"),
            params=decode_exchange_params(f.raw("params")),
        )
    elif kind == "add_market":
        ix = AddMarket(signer=f.key("signer"), params=decode_market_params(f.raw("params")))
    elif kind == "set_paused":
        ix = SetPaused(
            signer=f.key("signer"), market_index=f.opt_integer("market_index", U16), paused=f.boolean("paused")
        )
    elif kind == "fund_pool":
        ix = FundPool(signer=f.key("signer"), pool=parse_pool(f.string("pool")), amount=f.integer("amount", U64))
    elif kind == "create_user":
        ix = CreateUser(signer=f.key("signer"), delegate=f.opt_key("delegate"))
    elif kind == "set_delegate":
        ix = SetDelegate(signer=f.key("signer"), owner=f.key("owner"), delegate=f.opt_key("delegate"))
    elif kind == "deposit":
        ix = Deposit(owner=f.key("owner"), amount=f.integer("amount", U64))
    elif kind == "withdraw":
        ix = Withdraw(signer=f.key("signer"), owner=f.key("owner"), amount=f.integer("amount", U64))
    elif kind == "place_order":
        ix = PlaceOrder(
            signer=f.key("signer"),
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
        )
    elif kind == "cancel_order":
        ix = CancelOrder(signer=f.key("signer"), owner=f.key("owner"), order_id=f.integer("order_id", U64))
    elif kind == "close_position":
        ix = ClosePosition(
            signer=f.key("signer"),
            owner=f.key("owner"),
            market_index=f.integer("market_index", U16),
            size=f.integer("size", U64),
            price_limit=f.integer("price_limit", I64),
        )
    elif kind == "trigger_order":
        ix = TriggerOrder(owner=f.key("owner"), order_id=f.integer("order_id", U64))
    elif kind == "settle_funding":
        ix = SettleFunding(market_index=f.integer("market_index", U16))
    elif kind == "liquidate":
        ix = Liquidate(signer=f.key("signer"), owner=f.key("owner"), market_index=f.integer("market_index", U16))
    else:
        raise CodecError(f"instruction: unknown type `{kind}`")
    f.finish()
    return ix


def encode_oracle(o: OracleInput) -> dict[str, Any]:
    return {
        "feed_id": encode_hex32(o.feed_id),
        "price": o.price,
        "conf": o.conf,
        "exponent": o.exponent,
        "publish_time": o.publish_time,
        "fully_verified": o.fully_verified,
    }


def decode_oracle(v: Any) -> OracleInput:
    f = Fields("oracle", v)
    o = OracleInput(
        feed_id=f.hex32("feed_id"),
        price=f.integer("price", I64),
        conf=f.integer("conf", U64),
        exponent=f.integer("exponent", I32),
        publish_time=f.integer("publish_time", I64),
        fully_verified=f.boolean("fully_verified"),
    )
    f.finish()
    return o


def encode_clock(now: int) -> dict[str, Any]:
    return {"unix_timestamp": now}


def decode_clock(v: Any) -> int:
    f = Fields("clock", v)
    now = f.integer("unix_timestamp", I64)
    f.finish()
    return now


def encode_step(instruction: Instruction, oracle: OracleInput, now: int) -> dict[str, Any]:
    """One step of a runner document: ``{"instruction", "oracle", "clock"}``."""
    return {"instruction": encode_instruction(instruction), "oracle": encode_oracle(oracle), "clock": encode_clock(now)}


def decode_step(f: Fields) -> tuple[Instruction, OracleInput, int]:
    """Reads ``instruction``, ``oracle`` and ``clock`` from a step or a vector case."""
    instruction = decode_instruction(f.raw("instruction"))
    oracle = decode_oracle(f.raw("oracle"))
    now = decode_clock(f.raw("clock"))
    return instruction, oracle, now
