"""API keys: how a program (a bot, a voice front end, a script) is a QuantDesk user.

A key is ``qd_<prefix>_<secret>``: the prefix (12 hex characters) is not secret and
names the key in lists and logs; the secret is 32 random bytes. Only the SHA-256
of the whole key is stored, and the key is shown once, when it is made.

SHA-256 and not argon2 (which the passwords use): a password is low-entropy, so
its hash must be slow to make guessing expensive; a key is 256 random bits, which
no amount of guessing finds, so a fast hash loses nothing, and a memory-hard hash
on every API request (tens of milliseconds, 64 MiB) would be the API's whole
latency budget. No server-side pepper either: it would be one more secret every
worker must share, protecting against nothing a 256-bit key does not already.

:class:`ApiKeyStore` is the operator's (``quantdesk api-key``, sync);
:class:`ApiKeyGate` is the API's per-request check (async): the key, then its
token bucket, which lives in the key's row so every API process on one database
shares one limit per key.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from psycopg_pool import AsyncConnectionPool, ConnectionPool

from quantdesk.errors import ConfigError
from quantdesk.users._names import validate_user_name
from quantdesk.users._store import UnknownUser

_KEY = re.compile(r"^qd_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
_PREFIX = re.compile(r"^(?:qd_)?([0-9a-f]{12})$")
MAX_KEY_NAME = 64


class UnknownApiKey(ConfigError):
    """No key with that prefix."""


@dataclass(frozen=True)
class ApiKeyRecord:
    """A key as the operator sees it: never the key itself, nor its hash."""

    prefix: str  # ``qd_`` + 12 hex characters
    user_id: str
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class NewApiKey:
    record: ApiKeyRecord
    key: str  # shown once, to the operator who made it; never stored or logged


@dataclass(frozen=True)
class KeyCheck:
    """The outcome of one request's key check: who (``None``: not a valid key) and,
    when the key's bucket is empty, how long until the next request may come."""

    user_id: str | None
    prefix: str | None = None
    retry_after_s: int = 0


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("ascii")).digest()


def _record(row: tuple) -> ApiKeyRecord:  # type: ignore[type-arg]
    return ApiKeyRecord(f"qd_{row[0]}", *row[1:])


_COLUMNS = "prefix, user_id, name, created_at, last_used_at, revoked_at"


class ApiKeyStore:
    def __init__(self, pool: ConnectionPool) -> None:
        self._pool = pool

    def create(self, user_id: str, name: str = "") -> NewApiKey:
        """A new key for an existing user (:class:`UnknownUser` otherwise)."""
        validate_user_name(user_id)
        if len(name) > MAX_KEY_NAME or any(not ch.isprintable() for ch in name):
            raise ConfigError(f"a key name has at most {MAX_KEY_NAME} printable characters")
        prefix = secrets.token_hex(6)
        key = f"qd_{prefix}_{secrets.token_urlsafe(32)}"
        with self._pool.connection() as conn:
            if conn.execute("SELECT 1 FROM users WHERE user_id = %s", (user_id,)).fetchone() is None:
                raise UnknownUser.named(user_id)
            row = conn.execute(f"INSERT INTO api_keys (prefix, key_hash, user_id, name) VALUES (%s, %s, %s, %s) "
                               f"RETURNING {_COLUMNS}", (prefix, _digest(key), user_id, name)).fetchone()
        assert row is not None
        return NewApiKey(_record(row), key)

    def list(self, user_id: str | None = None) -> list[ApiKeyRecord]:
        with self._pool.connection() as conn:
            rows = conn.execute(f"SELECT {_COLUMNS} FROM api_keys WHERE %(u)s::text IS NULL OR user_id = %(u)s "
                                "ORDER BY user_id, created_at", {"u": user_id}).fetchall()
        return [_record(row) for row in rows]

    def revoke(self, prefix: str) -> ApiKeyRecord:
        """Revoke a key by its prefix (with or without ``qd_``): it stops working at once."""
        match = _PREFIX.fullmatch(prefix.strip().lower())
        if match is None:
            raise UnknownApiKey(f"{prefix[:40]!r} is not a key prefix (qd_ and 12 hex characters, as "
                                "`quantdesk api-key list` shows)")
        with self._pool.connection() as conn:
            row = conn.execute(f"UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE prefix = %s "
                               f"RETURNING {_COLUMNS}", (match.group(1),)).fetchone()
        if row is None:
            raise UnknownApiKey(f"no key qd_{match.group(1)} (`quantdesk api-key list` shows the keys)")
        return _record(row)


class ApiKeyGate:
    """The API's check of a presented key, with a token bucket per key: ``rate_per_s``
    requests a second on average, up to ``burst`` at once."""

    def __init__(self, pool: AsyncConnectionPool, *, rate_per_s: float, burst: int) -> None:
        self._pool, self._rate, self._burst = pool, rate_per_s, burst

    async def check(self, presented: str) -> KeyCheck:
        """Who ``presented`` is, taking one token of their key's bucket. ``pool`` must be in
        autocommit mode: the check is one statement, so one round trip."""
        match = _KEY.fullmatch(presented)
        if match is None:
            return KeyCheck(None)
        async with self._pool.connection() as conn:
            cur = await conn.execute(_TAKE, {"burst": self._burst, "rate": self._rate, "prefix": match.group(1),
                                             "hash": _digest(presented)})
            row = await cur.fetchone()
        if row is None:
            return KeyCheck(None)
        user_id, tokens = row
        prefix = f"qd_{match.group(1)}"
        if tokens >= 1:
            return KeyCheck(user_id, prefix)
        return KeyCheck(user_id, prefix, retry_after_s=max(1, math.ceil((1 - tokens) / self._rate)))


# The bucket refilled to now, then one token taken if there is one, in one statement.
# FOR UPDATE makes concurrent requests on a key (from any process) take their turns:
# a waiting one reads the row as the one before it left it. Matching the hash in SQL
# is not a timing leak worth closing: it could only reveal bytes of the SHA-256 of a
# random 256-bit key, from which the key cannot be found.
_TAKE = """
WITH bucket AS (
    SELECT key_id, user_id, LEAST(%(burst)s, COALESCE(bucket_tokens, %(burst)s) + %(rate)s
           * GREATEST(0, extract(epoch FROM clock_timestamp() - COALESCE(bucket_at, clock_timestamp())))) AS tokens
    FROM api_keys WHERE prefix = %(prefix)s AND key_hash = %(hash)s AND revoked_at IS NULL FOR UPDATE)
UPDATE api_keys AS k
SET bucket_tokens = CASE WHEN bucket.tokens >= 1 THEN bucket.tokens - 1 ELSE bucket.tokens END,
    bucket_at = clock_timestamp(),
    last_used_at = CASE WHEN bucket.tokens >= 1 THEN clock_timestamp() ELSE k.last_used_at END
FROM bucket WHERE k.key_id = bucket.key_id
RETURNING bucket.user_id, bucket.tokens
"""
