"""JSON form of an instruction's result: events, errors and the outcome wrapper.

Events are described by one table (field name → encoding), read in both directions,
so the encoder and the strict decoder can't drift apart.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from quantdesk.engine._errors import ErrorCode
from quantdesk.engine._events import (
    DelegateSet,
    Deposited,
    Event,
    ExchangeInitialized,
    FundingPaid,
    FundingSettled,
    Liquidated,
    MarketAdded,
    OrderCancelled,
    OrderFilled,
    OrderPlaced,
    PauseSet,
    PoolFunded,
    PositionClosed,
    UserCreated,
    Withdrawn,
)
from quantdesk.engine._outcome import Err, Ok, Outcome
from quantdesk.engine.codec._fields import (
    I64,
    U16,
    U32,
    U64,
    CodecError,
    Fields,
    encode_hex32,
    encode_key,
    encode_opt_key,
)
from quantdesk.engine.codec._state import decode_state, encode_state, parse_kind, parse_pool, parse_side

__all__ = ["decode_error", "decode_event", "decode_outcome", "encode_error", "encode_event", "encode_outcome"]

_EVENT_CLASSES: dict[str, type[Any]] = {
    cls.TYPE: cls
    for cls in (
        ExchangeInitialized,
        MarketAdded,
        PauseSet,
        PoolFunded,
        UserCreated,
        DelegateSet,
        Deposited,
        Withdrawn,
        OrderPlaced,
        OrderFilled,
        OrderCancelled,
        PositionClosed,
        FundingSettled,
        FundingPaid,
        Liquidated,
    )
}

# How each event field travels; a field not listed is an i64 number.
_KEYS = {"owner", "admin", "collateral_mint", "liquidator"}
_U16_FIELDS = {"market_index", "leverage"}
_U64_FIELDS = {
    "amount",
    "balance",
    "collateral",
    "order_id",
    "client_order_id",
    "size",
    "reserved",
    "fee",
    "refunded",
    "payout",
    "bad_debt",
    "intervals",
    "liquidation_fee",
    "liquidator_reward",
    "insurance_fee",
    "insurance_cover",
}
_BOOLS = {"paused", "reduce_only", "resting", "maker"}
# FundingPaid.amount is signed (positive = paid, negative = received).
_SIGNED_AMOUNT = {"FundingPaid"}


def _encode_field(name: str, value: Any) -> Any:
    if name in _KEYS:
        return encode_key(value)
    if name == "delegate":
        return encode_opt_key(value)
    if name == "pyth_feed_id":
        return encode_hex32(value)
    if name == "cumulative_funding":
        return str(value)
    if name in ("side", "kind", "pool"):
        return value.value
    return value


def _decode_field(f: Fields, event_type: str, name: str, optional: bool) -> Any:
    if name in _KEYS:
        return f.key(name)
    if name == "delegate":
        return f.opt_key(name)
    if name == "pyth_feed_id":
        return f.hex32(name)
    if name == "cumulative_funding":
        return f.i128_string(name)
    if name == "symbol":
        return f.string(name)
    if name == "side":
        return parse_side(f.string(name))
    if name == "kind":
        return parse_kind(f.string(name))
    if name == "pool":
        return parse_pool(f.string(name))
    if name in _BOOLS:
        return f.boolean(name)
    if name in _U16_FIELDS:
        bounds = U16
    elif name in _U64_FIELDS and not (name == "amount" and event_type in _SIGNED_AMOUNT):
        bounds = U64
    else:
        bounds = I64
    return f.opt_integer(name, bounds) if optional else f.integer(name, bounds)


def encode_event(event: Event) -> dict[str, Any]:
    body = {fd.name: _encode_field(fd.name, getattr(event, fd.name)) for fd in fields(event)}
    body["type"] = event.TYPE
    return body


def decode_event(v: Any) -> Event:
    f = Fields("event", v)
    event_type = f.string("type")
    cls = _EVENT_CLASSES.get(event_type)
    if cls is None:
        raise CodecError(f"event: unknown type `{event_type}`")
    # Only PauseSet.market_index and OrderFilled.order_id may be null.
    optional = {("PauseSet", "market_index"), ("OrderFilled", "order_id")}
    values = {fd.name: _decode_field(f, event_type, fd.name, (event_type, fd.name) in optional) for fd in fields(cls)}
    f.finish()
    event: Event = cls(**values)
    return event


def encode_error(error: Err) -> dict[str, Any]:
    return {"code": error.code, "name": error.name, "limit": error.limit, "value": error.value, "field": error.field}


def decode_error(v: Any) -> Err:
    f = Fields("error", v)
    code = f.integer("code", U32)
    name = f.string("name")
    limit = f.opt_integer("limit", I64)
    value = f.opt_integer("value", I64)
    field = None if f.raw("field") is None else f.string("field")
    f.finish()
    try:
        known = ErrorCode(code).name
    except ValueError:
        known = None
    if known != name:
        raise CodecError(f"error: code {code} is not `{name}`")
    return Err(code=code, name=name, limit=limit, value=value, field=field)


def encode_outcome(outcome: Outcome) -> dict[str, Any]:
    """``{"ok": true, "state", "events"}`` or ``{"ok": false, "error"}``."""
    if isinstance(outcome, Ok):
        return {"ok": True, "state": encode_state(outcome.state), "events": [encode_event(e) for e in outcome.events]}
    return {"ok": False, "error": encode_error(outcome)}


def decode_outcome(v: Any) -> Outcome:
    f = Fields("outcome", v)
    if f.boolean("ok"):
        state = decode_state(f.raw("state"))
        events = tuple(decode_event(e) for e in f.array("events"))
        f.finish()
        return Ok(state=state, events=events)
    error = decode_error(f.raw("error"))
    f.finish()
    return error
