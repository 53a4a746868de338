"""The OrderTicket: exactly what will be signed, what it is expected to do, who
it belongs to and until when it may be approved.

The ticket's identity is the SHA-256 of the exact transaction message bytes
(``message_b64``), so an approval that names the hash approves those bytes and
nothing else; execution re-hashes the bytes before signing them.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

TicketKind = Literal["order", "cancel", "close", "withdraw"]
DEFAULT_TTL = timedelta(seconds=60)


def message_hash(message: bytes) -> str:
    """The ticket hash of a transaction message."""
    return hashlib.sha256(message).hexdigest()


class SimulatedOutcome(BaseModel):
    """What the venue's simulation says the transaction will do (USD values as Decimal).

    For an order that fills now: ``fill_price``, ``size``, ``notional_usd``, ``fee_usd``,
    ``margin_after_usd`` (the position's margin after the fill) and ``liquidation_price``
    (after the fill; None when none) are that fill's.

    For an order that rests (a limit away from the market, a stop-loss, a take-profit) the
    same fields hold the fill the keeper would make later, computed on the engine now: a
    limit as maker at its limit price, a stop as taker at the vault's price when the oracle
    is at its trigger. They are not a fill that happened; ``detail`` says so:

    - ``hypothetical``: True — show these as "if it fills at your <fills_at>", never as filled
    - ``resting``: True; ``reserved_usd``: collateral set aside now for the margin and fee
    - ``fills_at``: "limit price" or "trigger price"; ``resting_price``: that price
    - ``maker``: True for a limit (maker fee), False for a stop (taker fee)
    - ``distance_from_mark_pct``: the resting price's distance from ``oracle_price`` in %,
      signed (negative below the oracle); ``far_from_mark``: beyond
      ``far_from_mark_threshold_pct`` either way (10)

    Both kinds: ``position_base_after`` (base units), ``realized_pnl_usd``, and on order
    tickets ``oracle_price``, ``price_impact_bps`` (fills only; None when resting),
    ``leverage``, ``reduces``, ``buys``.
    """

    model_config = ConfigDict(frozen=True)

    fill_price: Decimal | None = None
    size: Decimal | None = None
    notional_usd: Decimal | None = None
    fee_usd: Decimal | None = None
    margin_after_usd: Decimal | None = None
    free_collateral_after_usd: Decimal | None = None
    liquidation_price: Decimal | None = None
    detail: dict[str, Any] = Field(default_factory=dict)


class OrderTicket(BaseModel):
    """A prepared, simulated, unsigned transaction waiting for its user's approval."""

    model_config = ConfigDict(frozen=True)

    ticket_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    user_id: str = Field(min_length=1)
    thread_id: str = Field(min_length=1)
    kind: TicketKind
    tool: str
    params: dict[str, Any]
    market: str | None = None
    summary: str
    price_bound: Decimal | None = Field(None, description="Worst acceptable fill price; execution re-checks it.")
    outcome: SimulatedOutcome
    risk: list[dict[str, Any]] = Field(default_factory=list)
    message_b64: str = Field(description="The exact transaction message to sign, base64.")
    created_at: datetime
    expires_at: datetime

    @model_validator(mode="after")
    def _hash_binds_message(self) -> OrderTicket:
        if message_hash(self.message_bytes) != self.ticket_hash:
            raise ValueError("ticket_hash is not the SHA-256 of the ticket's message bytes")
        if self.expires_at <= self.created_at:
            raise ValueError("a ticket must expire after it is created")
        return self

    @property
    def message_bytes(self) -> bytes:
        return base64.b64decode(self.message_b64, validate=True)

    @property
    def short_hash(self) -> str:
        return self.ticket_hash[:12]

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires_at
