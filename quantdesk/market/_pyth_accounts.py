"""Decoding Pyth price accounts read from Solana.

* Legacy push-oracle price accounts (magic ``0xa1b2c3d4``, version 2) are parsed
  with pythclient, Pyth's own parser; we take its raw integers only.
* Pull-oracle ``PriceUpdateV2`` accounts (Pyth Solana receiver) have their own
  Anchor layout, decoded here:

    discriminator   8   sha256("account:PriceUpdateV2")[:8]
    write_authority 32
    verification    1 (+1)   0 = Partial{num_signatures: u8}, 1 = Full
    feed_id         32
    price           i64   conf u64   exponent i32
    publish_time    i64   prev_publish_time i64
    ema_price       i64   ema_conf u64
    posted_slot     u64                                   (little-endian)
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Literal

from pythclient.pythaccounts import ACCOUNT_HEADER_BYTES, EmaType, PythPriceAccount, PythPriceStatus
from pythclient.solana import SolanaPublicKey
from solders.pubkey import Pubkey

from quantdesk.market._errors import DecodeError
from quantdesk.market._types import PriceStatus, PriceUpdate

__all__ = [
    "PRICE_UPDATE_V2_DISCRIMINATOR",
    "LEGACY_MAGIC",
    "PriceUpdateV2Account",
    "LegacyPriceAccount",
    "decode_price_update_v2",
    "decode_legacy_price",
    "decode_price_account",
]

PRICE_UPDATE_V2_DISCRIMINATOR = bytes.fromhex("22f123639d7ef4cd")
LEGACY_MAGIC = 0xA1B2C3D4
_LEGACY_PRICE_TYPE = 3
_MESSAGE = struct.Struct("<32sqQiqqqQ")

_STATUS: dict[PythPriceStatus, PriceStatus] = {
    PythPriceStatus.TRADING: "trading",
    PythPriceStatus.HALTED: "halted",
    PythPriceStatus.AUCTION: "auction",
    PythPriceStatus.UNKNOWN: "unknown",
    PythPriceStatus.IGNORED: "ignored",
}


@dataclass(frozen=True, slots=True)
class PriceUpdateV2Account:
    write_authority: str
    verification: Literal["partial", "full"]
    num_signatures: int | None
    feed_id: str
    price: int
    conf: int
    expo: int
    publish_time: int
    prev_publish_time: int
    ema_price: int
    ema_conf: int
    posted_slot: int

    def to_update(self) -> PriceUpdate:
        return PriceUpdate(feed_id=self.feed_id, price=self.price, conf=self.conf, expo=self.expo,
                           publish_time=self.publish_time, ema_price=self.ema_price, ema_conf=self.ema_conf,
                           status="trading", source="onchain", slot=self.posted_slot)


@dataclass(frozen=True, slots=True)
class LegacyPriceAccount:
    """The fields of a legacy price account we use. ``status`` already accounts for
    the slot we read it at (a trading price older than max_latency slots is "unknown")."""

    price: int
    conf: int
    expo: int
    status: PriceStatus
    publish_time: int
    pub_slot: int
    ema_price: int | None
    ema_conf: int | None
    num_components: int
    min_publishers: int | None
    product_account: str

    def to_update(self, feed_id: str) -> PriceUpdate:
        return PriceUpdate(feed_id=feed_id, price=self.price, conf=self.conf, expo=self.expo,
                           publish_time=self.publish_time, ema_price=self.ema_price, ema_conf=self.ema_conf,
                           status=self.status, source="onchain", slot=self.pub_slot)


def decode_price_update_v2(data: bytes) -> PriceUpdateV2Account:
    """Decode a ``PriceUpdateV2`` account's data. Raises :class:`DecodeError`."""
    if data[:8] != PRICE_UPDATE_V2_DISCRIMINATOR:
        raise DecodeError(f"not a PriceUpdateV2 account (discriminator {data[:8].hex() or 'missing'})")
    offset = 8
    try:
        authority = str(Pubkey.from_bytes(data[offset:offset + 32]))
        offset += 32
        tag = data[offset]
        offset += 1
        if tag == 0:
            verification: Literal["partial", "full"] = "partial"
            num_signatures: int | None = data[offset]
            offset += 1
        elif tag == 1:
            verification, num_signatures = "full", None
        else:
            raise DecodeError(f"PriceUpdateV2 has an unknown verification level tag {tag}")
        fid, price, conf, expo, publish, prev_publish, ema, ema_conf = _MESSAGE.unpack_from(data, offset)
        offset += _MESSAGE.size
        (posted_slot,) = struct.unpack_from("<Q", data, offset)
    except (IndexError, struct.error, ValueError) as exc:
        raise DecodeError(f"PriceUpdateV2 account is truncated ({len(data)} bytes): {exc}") from None
    return PriceUpdateV2Account(authority, verification, num_signatures, fid.hex(), price, conf, expo, publish,
                                prev_publish, ema, ema_conf, posted_slot)


def decode_legacy_price(data: bytes, *, address: str, current_slot: int | None = None) -> LegacyPriceAccount:
    """Decode a legacy push-oracle price account (with its 16-byte header) via pythclient.

    With ``current_slot`` the status follows Pyth's rule that a trading price more
    than ``max_latency`` slots old is "unknown".
    """
    if len(data) < ACCOUNT_HEADER_BYTES:
        raise DecodeError(f"legacy Pyth account {address} is too short ({len(data)} bytes)")
    magic, version, acc_type, size = struct.unpack_from("<IIII", data, 0)
    if magic != LEGACY_MAGIC or version != 2 or acc_type != _LEGACY_PRICE_TYPE:
        raise DecodeError(f"{address} is not a legacy Pyth v2 price account "
                          f"(magic {magic:#x}, version {version}, type {acc_type})")
    account = PythPriceAccount(SolanaPublicKey(address), None)  # no client: parse only
    try:
        account.update_from(data[:size], version=version, offset=ACCOUNT_HEADER_BYTES)
    except (struct.error, ValueError) as exc:
        raise DecodeError(f"legacy Pyth price account {address} does not parse: {exc}") from None
    info = account.aggregate_price_info
    assert info is not None and account.exponent is not None
    pyth_status = (account.get_aggregate_price_status_with_slot(current_slot) if current_slot is not None
                   else info.price_status)
    ema_price = account.derivations.get(EmaType.EMA_PRICE_VALUE)
    ema_conf = account.derivations.get(EmaType.EMA_CONFIDENCE_VALUE)
    return LegacyPriceAccount(
        price=info.raw_price, conf=info.raw_confidence_interval, expo=account.exponent,
        status=_STATUS.get(pyth_status, "unknown") if pyth_status is not None else "unknown",
        publish_time=account.timestamp, pub_slot=info.pub_slot, ema_price=ema_price, ema_conf=ema_conf,
        num_components=account.num_components, min_publishers=account.min_publishers,
        product_account=str(account.product_account_key),
    )


def decode_price_account(data: bytes, *, address: str, feed_id: str, current_slot: int | None = None) -> PriceUpdate:
    """A :class:`PriceUpdate` from either account kind, detected by its first bytes.

    A ``PriceUpdateV2`` names its feed, and a different feed than ``feed_id`` is a
    :class:`DecodeError` (a misconfigured account must not feed another market).
    Legacy accounts do not carry the feed id; the mapping is trusted.
    """
    if data[:8] == PRICE_UPDATE_V2_DISCRIMINATOR:
        account = decode_price_update_v2(data)
        if account.feed_id != feed_id:
            raise DecodeError(f"account {address} holds feed {account.feed_id[:8]}…, not the expected "
                              f"{feed_id[:8]}…; check the registry or QUANTDESK_ONCHAIN_ACCOUNTS")
        return account.to_update()
    if len(data) >= 4 and struct.unpack_from("<I", data, 0)[0] == LEGACY_MAGIC:
        return decode_legacy_price(data, address=address, current_slot=current_slot).to_update(feed_id)
    raise DecodeError(f"account {address} is neither a PriceUpdateV2 nor a legacy Pyth price account")
