"""Oracle validation: a Pyth price update becomes an engine price, or is refused for
being for another feed, unverified, non-positive, stale or too uncertain."""

from __future__ import annotations

from dataclasses import dataclass

from quantdesk.engine._errors import (
    OracleConfidenceTooWide,
    OracleFeedMismatch,
    OracleInvalidPrice,
    OracleNotVerified,
    OracleStale,
)
from quantdesk.engine._math import MAX_PRICE, PPM, PRICE_DECIMALS, ceil_div, mul, pow10, to_i64
from quantdesk.engine._state import MarketParams

__all__ = ["MAX_EXPONENT", "MIN_EXPONENT", "OracleInput", "normalize_price", "validate_oracle"]

# Pyth exponents are negative in practice; this range keeps 10^|expo| inside i128.
MIN_EXPONENT = -18
MAX_EXPONENT = 0


@dataclass(frozen=True, slots=True)
class OracleInput:
    """The fields of a Pyth ``PriceUpdateV2`` the engine reads, raw (mantissas)."""

    feed_id: bytes  # 32 bytes
    price: int  # i64 mantissa
    conf: int  # u64 mantissa
    exponent: int  # i32
    publish_time: int  # i64
    fully_verified: bool  # VerificationLevel::Full; a partial verification is refused


def validate_oracle(market: MarketParams, oracle: OracleInput, now: int) -> int:
    """The oracle price in engine units (10^-6 quote per whole base unit).

    Checks in SPEC.md 5.1 order: feed id, verification, sign and exponent,
    normalization, range, staleness, confidence; raises the first failure.
    """
    if oracle.feed_id != market.pyth_feed_id:
        raise OracleFeedMismatch()
    if not oracle.fully_verified:
        raise OracleNotVerified()
    if oracle.price <= 0 or not MIN_EXPONENT <= oracle.exponent <= MAX_EXPONENT:
        raise OracleInvalidPrice(value=oracle.price)
    price = normalize_price(oracle.price, oracle.exponent)
    if price <= 0 or price > MAX_PRICE:
        # A positive mantissa below one engine price unit, or beyond the engine's range.
        raise OracleInvalidPrice(value=oracle.price)
    # A publish time slightly ahead of the validator clock is normal and counts as age 0.
    age = max(now - oracle.publish_time, 0)
    if age > market.oracle_max_age_secs:
        raise OracleStale(limit=market.oracle_max_age_secs, value=age)
    # Scale-free, so taken on the raw mantissas and rounded up: a borderline interval
    # counts as too wide.
    conf_ppm = ceil_div(oracle.conf * PPM, oracle.price)
    if conf_ppm > market.max_conf_ppm:
        raise OracleConfidenceTooWide(limit=market.max_conf_ppm, value=conf_ppm)
    return price


def normalize_price(mantissa: int, exponent: int) -> int:
    """Rescales a mantissa with ``exponent`` to 10^-6, rounding down (a reference
    price, truncated consistently); ``MathOverflow`` if it leaves i64."""
    shift = exponent + PRICE_DECIMALS
    if shift >= 0:
        return to_i64(mul(mantissa, pow10(shift)))
    return to_i64(mantissa // pow10(-shift))
