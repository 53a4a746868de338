"""Parsing Hermes v2 JSON: the body of ``/v2/updates/price/latest`` and the
``data:`` payload of each ``/v2/updates/price/stream`` event share one shape,
``{"binary": {...}, "parsed": [{"id", "price", "ema_price", "metadata"}]}``.

Hermes sends ``price``/``conf`` as decimal strings of integers; they become
ints here and nowhere does a float appear.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from quantdesk.market._errors import DecodeError
from quantdesk.market._registry import normalize_feed_id
from quantdesk.market._types import PriceUpdate

__all__ = ["parse_price_updates", "parse_price_update_json"]

_I64_MAX = 2**63 - 1


class _Price(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=False)

    price: int = Field(ge=-_I64_MAX, le=_I64_MAX)
    conf: int = Field(ge=0, le=_I64_MAX)
    expo: int = Field(ge=-30, le=30)
    publish_time: int = Field(ge=0)

    @field_validator("price", "conf", mode="before")
    @classmethod
    def _integer_text(cls, value: Any) -> Any:
        # Hermes encodes these as strings of digits; refuse "1.5" or 1.5 rather than round.
        if isinstance(value, str) and not value.lstrip("-").isdigit():
            raise ValueError(f"not an integer string: {value!r}")
        if isinstance(value, float):
            raise ValueError("a float where Hermes sends an integer string")
        return value


class _Metadata(BaseModel):
    model_config = ConfigDict(extra="ignore")

    slot: int | None = None
    proof_available_time: int | None = None
    prev_publish_time: int | None = None


class _ParsedFeed(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    price: _Price
    ema_price: _Price | None = None
    metadata: _Metadata | None = None

    @field_validator("id")
    @classmethod
    def _feed_id(cls, value: str) -> str:
        return normalize_feed_id(value)


class _PriceUpdateBody(BaseModel):
    model_config = ConfigDict(extra="ignore")

    parsed: list[_ParsedFeed] = Field(default_factory=list)


def parse_price_updates(body: Any) -> list[PriceUpdate]:
    """Updates in a decoded Hermes v2 body (a dict, or a list of such dicts).

    Raises :class:`DecodeError` when the body does not have the v2 shape.
    """
    bodies = body if isinstance(body, list) else [body]
    out: list[PriceUpdate] = []
    for item in bodies:
        try:
            parsed = _PriceUpdateBody.model_validate(item)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise DecodeError(f"Hermes body is not a v2 price update ({where}: {first['msg']})") from None
        for feed in parsed.parsed:
            ema = feed.ema_price
            # Pyth publishes the EMA with the price's exponent; if they ever differ, drop the EMA rather than mix.
            ema_ok = ema is not None and ema.expo == feed.price.expo
            out.append(PriceUpdate(
                feed_id=feed.id,
                price=feed.price.price,
                conf=feed.price.conf,
                expo=feed.price.expo,
                publish_time=feed.price.publish_time,
                ema_price=ema.price if ema_ok and ema is not None else None,
                ema_conf=ema.conf if ema_ok and ema is not None else None,
                status="trading",
                source="hermes",
                slot=feed.metadata.slot if feed.metadata else None,
            ))
    return out


def parse_price_update_json(text: str) -> list[PriceUpdate]:
    """:func:`parse_price_updates` on JSON text; malformed JSON is a :class:`DecodeError`."""
    try:
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DecodeError(f"Hermes sent malformed JSON ({exc.msg} at char {exc.pos})") from None
    return parse_price_updates(body)
