"""Sign-in passwords: argon2id hashes (argon2-cffi), checked in constant time.

argon2id rather than the stdlib's scrypt: it is the current recommendation for
password storage (RFC 9106, OWASP), argon2-cffi writes self-describing PHC strings
(``$argon2id$v=19$m=…``) so the cost can be raised later and old hashes are
upgraded at the next sign-in (:func:`needs_rehash`), and its C verifier compares
in constant time. The library's defaults (RFC 9106's low-memory profile: 64 MiB,
3 passes) are kept.
"""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from quantdesk.errors import ConfigError

MIN_PASSWORD = 8  # NIST SP 800-63B's minimum for a chosen secret
MAX_PASSWORD = 1024  # bounds the hashing work one request can ask for

_HASHER = PasswordHasher()


class WeakPassword(ConfigError):
    """A new password is too short, too long, or holds characters a password may not."""


def check_password(password: str) -> str:
    """The password itself when it may be set; :class:`WeakPassword` (never echoing it) otherwise."""
    if len(password) < MIN_PASSWORD:
        raise WeakPassword(f"a password needs at least {MIN_PASSWORD} characters (got {len(password)})")
    if len(password) > MAX_PASSWORD:
        raise WeakPassword(f"a password has at most {MAX_PASSWORD} characters (got {len(password)})")
    if any(ch in "\r\n\x00" for ch in password):
        raise WeakPassword("a password may not hold line breaks or NUL characters")
    return password


def hash_password(password: str) -> str:
    """The argon2id PHC string of a password that passed :func:`check_password`."""
    return _HASHER.hash(check_password(password))


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches the stored hash. With no hash (no such user, or a
    user without a password) a throwaway hash is checked instead, so the answer
    takes as long either way and timing does not tell whether a user exists."""
    if len(password) > MAX_PASSWORD:
        password = ""
    try:
        ok = _HASHER.verify(stored if stored is not None else _throwaway_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return ok and stored is not None


def needs_rehash(stored: str) -> bool:
    """Whether a hash was made with weaker parameters than today's (re-hash it on the next sign-in)."""
    return _HASHER.check_needs_rehash(stored)


def generate_password() -> str:
    """A random password for a user created on first run (about 130 bits)."""
    return secrets.token_urlsafe(16)


@cache
def _throwaway_hash() -> str:
    return _HASHER.hash(secrets.token_urlsafe(16))
