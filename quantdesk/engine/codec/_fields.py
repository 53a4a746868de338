"""A strict reader for JSON objects, and the scalar encodings of the vector format.

Every field must be present with the right type and range, and any field the
format doesn't define is an error, as in engine_runner's ``Fields``: a client's typo
fails loudly instead of being ignored. Values are what ``json.loads`` returns.
"""

from __future__ import annotations

import re
from typing import Any

from quantdesk.errors import QuantDeskError

__all__ = [
    "I32",
    "I64",
    "U8",
    "U16",
    "U32",
    "U64",
    "CodecError",
    "Fields",
    "decode_hex32",
    "decode_key",
    "encode_hex32",
    "encode_key",
    "encode_opt_key",
]

U8 = (0, (1 << 8) - 1)
U16 = (0, (1 << 16) - 1)
U32 = (0, (1 << 32) - 1)
U64 = (0, (1 << 64) - 1)
I32 = (-(1 << 31), (1 << 31) - 1)
I64 = (-(1 << 63), (1 << 63) - 1)
_I128 = (-(1 << 127), (1 << 127) - 1)

_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_INDEX = {c: i for i, c in enumerate(_BASE58)}
# Rust's `str::parse::<i128>`: an optional sign and at least one ASCII digit, nothing else.
_DECIMAL = re.compile(r"[+-]?[0-9]+\Z")
# Rust's `u8::from_str_radix(pair, 16)` also takes "+f" (an explicit plus sign).
_HEX_PAIR = re.compile(r"(?:[0-9a-fA-F]{2}|\+[0-9a-fA-F])\Z")


class CodecError(QuantDeskError, ValueError):
    """Malformed engine JSON: a missing or unknown field, a wrong type or an integer out
    of its range, a bad key or feed id. The message names the object and the field."""


class Fields:
    """Reads the fields of one JSON object; ``finish`` fails on any field not read."""

    def __init__(self, what: str, value: Any) -> None:
        if not isinstance(value, dict):
            raise CodecError(f"{what}: expected an object")
        self._what = what
        self._map: dict[str, Any] = value
        self._used: set[str] = set()

    def raw(self, key: str) -> Any:
        self._used.add(key)
        if key not in self._map:
            raise CodecError(f"{self._what}: missing field `{key}`")
        return self._map[key]

    def _bad(self, key: str, expected: str) -> CodecError:
        return CodecError(f"{self._what}: field `{key}` must be {expected}")

    def integer(self, key: str, bounds: tuple[int, int]) -> int:
        v = self.raw(key)
        # bool is an int subclass in Python; JSON true is not a number.
        if type(v) is not int:
            raise self._bad(key, "an integer")
        if not bounds[0] <= v <= bounds[1]:
            raise self._bad(key, "an integer in range")
        return v

    def opt_integer(self, key: str, bounds: tuple[int, int]) -> int | None:
        return None if self.raw(key) is None else self.integer(key, bounds)

    def i128_string(self, key: str) -> int:
        """128-bit integers travel as decimal strings (JSON numbers lose precision past 2^53)."""
        v = self.raw(key)
        if not isinstance(v, str) or not _DECIMAL.match(v) or not _I128[0] <= int(v) <= _I128[1]:
            raise self._bad(key, "a decimal string")
        return int(v)

    def boolean(self, key: str) -> bool:
        v = self.raw(key)
        if not isinstance(v, bool):
            raise self._bad(key, "a boolean")
        return v

    def string(self, key: str) -> str:
        v = self.raw(key)
        if not isinstance(v, str):
            raise self._bad(key, "a string")
        try:
            v.encode("utf-8")
        except UnicodeEncodeError:
            # A lone surrogate from a "\ud800" escape, which serde_json refuses.
            raise self._bad(key, "valid UTF-8") from None
        return v

    def key(self, key: str) -> bytes:
        try:
            return decode_key(self.string(key))
        except CodecError as error:
            raise CodecError(f"{self._what}: field `{key}`: {error}") from None

    def opt_key(self, key: str) -> bytes | None:
        return None if self.raw(key) is None else self.key(key)

    def hex32(self, key: str) -> bytes:
        decoded = decode_hex32(self.string(key))
        if decoded is None:
            raise self._bad(key, "64 hex digits")
        return decoded

    def array(self, key: str) -> list[Any]:
        v = self.raw(key)
        if not isinstance(v, list):
            raise self._bad(key, "an array")
        return v

    def finish(self) -> None:
        extra = next((k for k in self._map if k not in self._used), None)
        if extra is not None:
            raise CodecError(f"{self._what}: unknown field `{extra}`")


def encode_key(key: bytes) -> str:
    """Base58 (Bitcoin alphabet, as Solana and the ``bs58`` crate): leading zero bytes
    become leading '1's."""
    n = int.from_bytes(key, "big")
    digits = []
    while n:
        n, r = divmod(n, 58)
        digits.append(_BASE58[r])
    zeros = len(key) - len(key.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(digits))


def encode_opt_key(key: bytes | None) -> str | None:
    return None if key is None else encode_key(key)


def decode_key(text: str) -> bytes:
    """A base58 string that must decode to exactly 32 bytes."""
    n = 0
    for c in text:
        digit = _BASE58_INDEX.get(c)
        if digit is None:
            raise CodecError(f"invalid base58 key: character {c!r}")
        n = n * 58 + digit
    zeros = len(text) - len(text.lstrip("1"))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    decoded = b"\0" * zeros + body
    if len(decoded) != 32:
        raise CodecError("a key must decode to 32 bytes")
    return decoded


def encode_hex32(data: bytes) -> str:
    return data.hex()


def decode_hex32(text: str) -> bytes | None:
    """64 characters, two per byte, as engine_runner reads them; None if malformed."""
    if len(text) != 64 or not text.isascii():
        return None
    out = bytearray()
    for i in range(32):
        pair = text[2 * i : 2 * i + 2]
        if not _HEX_PAIR.match(pair):
            return None
        out.append(int(pair, 16))
    return bytes(out)
