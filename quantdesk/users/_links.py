"""Platform identities (a Slack team + user, a Discord user) linked to QuantDesk users.

An identity is linked to exactly one user; a user may have several. Two ways in:

- an operator links it: ``quantdesk link slack --user alice --id T123:U456``;
- the trader asks for a **link code** (web page, ``POST /v1/link-codes``, or
  ``quantdesk link code``) and sends it to the bot in a direct message. A code is
  ``QD-XXXX-XXXX-XXXX`` (60 random bits, Crockford base32: no I, L, O, U), lives
  ``link_code_ttl_s`` (10 minutes by default) and works once. Only its SHA-256 is
  stored, for the reason API keys use one (``_api_keys.py``): a random code that
  lives minutes cannot be guessed, so a slow hash would add nothing.

An identity with no link can do nothing but link: every bot checks
:meth:`IdentityLinks.user_for` before anything reaches MIKEY.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, get_args

from psycopg import Connection
from psycopg_pool import ConnectionPool

from quantdesk.errors import ConfigError
from quantdesk.users._names import validate_user_name
from quantdesk.users._store import UnknownUser

Platform = Literal["slack", "discord"]
PLATFORMS: tuple[str, ...] = get_args(Platform)
DEFAULT_CODE_TTL = timedelta(minutes=10)

_ID_FORMS = {
    # Team (T…, or E… on Enterprise Grid) and user (U… or W…), as Slack shows them.
    "slack": (re.compile(r"^[TE][A-Z0-9]{2,20}:[UW][A-Z0-9]{2,20}$"), "T123ABC:U456DEF (team id : user id)"),
    # A Discord snowflake.
    "discord": (re.compile(r"^[1-9][0-9]{14,20}$"), "a Discord user id such as 123456789012345678"),
}
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
_CODE = re.compile(r"^QD([0-9A-HJKMNP-TV-Z]{12})$")
_CODE_IN_TEXT = re.compile(r"\bQD[-\s]?[0-9A-Z]{4}[-\s]?[0-9A-Z]{4}[-\s]?[0-9A-Z]{4}\b", re.IGNORECASE)


class InvalidIdentity(ConfigError):
    """A platform or platform id that is not of the expected form."""


class IdentityTaken(ConfigError):
    """The identity is already linked to another user."""


class UnknownIdentity(ConfigError):
    """No link for that identity."""


class InvalidLinkCode(ConfigError):
    """A link code that is unknown, used or expired (one message for all three)."""


@dataclass(frozen=True)
class LinkRecord:
    platform: str
    external_id: str
    user_id: str
    linked_at: datetime
    linked_by: str


@dataclass(frozen=True)
class NewLinkCode:
    code: str  # shown once, to its user; never stored or logged
    user_id: str
    expires_at: datetime


def validate_identity(platform: str, external_id: str) -> tuple[str, str]:
    """``(platform, external_id)`` when both have their platform's form; :class:`InvalidIdentity` otherwise."""
    if platform not in _ID_FORMS:
        raise InvalidIdentity(f"platform must be one of {', '.join(PLATFORMS)} (got {platform[:20]!r})")
    form, example = _ID_FORMS[platform]
    if not form.fullmatch(external_id):
        raise InvalidIdentity(f"a {platform} id is {example} (got {external_id[:40]!r})")
    return platform, external_id


def find_link_code(text: str) -> str | None:
    """The link code in a message ("link QD-7K2M-…", or the code alone), normalised, or None."""
    match = _CODE_IN_TEXT.search(text)
    return None if match is None else _normalise(match.group(0))


def _normalise(code: str) -> str:
    return re.sub(r"[-\s]", "", code).upper()


def _digest(code: str) -> bytes:
    return hashlib.sha256(_normalise(code).encode("ascii")).digest()


def _shown(raw: str) -> str:
    return f"QD-{raw[:4]}-{raw[4:8]}-{raw[8:]}"


_COLUMNS = "platform, external_id, user_id, linked_at, linked_by"


class IdentityLinks:
    """The links and link codes, over the database pool (sync: bots call it in a thread)."""

    def __init__(self, pool: ConnectionPool) -> None:
        self._pool = pool

    def link(self, platform: str, external_id: str, user_id: str, *, by: str) -> LinkRecord:
        """Link an identity to an existing user. Linking it again to the same user is a no-op;
        to another user it is :class:`IdentityTaken` (unlink it first)."""
        validate_identity(platform, external_id)
        validate_user_name(user_id)
        with self._pool.connection() as conn, conn.transaction():
            if conn.execute("SELECT 1 FROM users WHERE user_id = %s", (user_id,)).fetchone() is None:
                raise UnknownUser.named(user_id)
            return self._link(conn, platform, external_id, user_id, by)

    @staticmethod
    def _link(conn: Connection[Any], platform: str, external_id: str, user_id: str, by: str) -> LinkRecord:
        row = conn.execute(f"INSERT INTO identity_links (platform, external_id, user_id, linked_by) "
                           f"VALUES (%s, %s, %s, %s) ON CONFLICT (platform, external_id) DO NOTHING "
                           f"RETURNING {_COLUMNS}", (platform, external_id, user_id, by)).fetchone()
        if row is None:
            row = conn.execute(f"SELECT {_COLUMNS} FROM identity_links WHERE platform = %s AND external_id = %s",
                               (platform, external_id)).fetchone()
            assert row is not None
            if row[2] != user_id:
                raise IdentityTaken(f"{platform} identity {external_id} is already linked to another user "
                                    f"(an operator can unlink it: `quantdesk link remove {platform} --id "
                                    f"{external_id}`)")
        return LinkRecord(*row)

    def unlink(self, platform: str, external_id: str) -> LinkRecord:
        validate_identity(platform, external_id)
        with self._pool.connection() as conn:
            row = conn.execute(f"DELETE FROM identity_links WHERE platform = %s AND external_id = %s "
                               f"RETURNING {_COLUMNS}", (platform, external_id)).fetchone()
        if row is None:
            raise UnknownIdentity(f"{platform} identity {external_id} is not linked (`quantdesk link list` "
                                  "shows the links)")
        return LinkRecord(*row)

    def user_for(self, platform: str, external_id: str) -> str | None:
        """The user an identity is linked to, or None (unlinked: it may only link)."""
        with self._pool.connection() as conn:
            row = conn.execute("SELECT user_id FROM identity_links WHERE platform = %s AND external_id = %s",
                               (platform, external_id)).fetchone()
        return None if row is None else str(row[0])

    def list(self, user_id: str | None = None) -> list[LinkRecord]:
        with self._pool.connection() as conn:
            rows = conn.execute(f"SELECT {_COLUMNS} FROM identity_links WHERE %(u)s::text IS NULL OR user_id = %(u)s "
                                "ORDER BY user_id, platform, linked_at", {"u": user_id}).fetchall()
        return [LinkRecord(*row) for row in rows]

    def create_code(self, user_id: str, *, now: datetime, ttl: timedelta = DEFAULT_CODE_TTL) -> NewLinkCode:
        """A one-time link code for an existing user, valid from ``now`` for ``ttl``."""
        validate_user_name(user_id)
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
        expires_at = now + ttl
        with self._pool.connection() as conn:
            if conn.execute("SELECT 1 FROM users WHERE user_id = %s", (user_id,)).fetchone() is None:
                raise UnknownUser.named(user_id)
            conn.execute("INSERT INTO link_codes (code_hash, user_id, created_at, expires_at) VALUES (%s, %s, %s, %s)",
                         (_digest(_shown(raw)), user_id, now, expires_at))
        return NewLinkCode(_shown(raw), user_id, expires_at)

    def redeem(self, code: str, platform: str, external_id: str, *, now: datetime) -> LinkRecord:
        """Link the identity to the code's user and use the code up, in one transaction.
        :class:`InvalidLinkCode` for an unknown, used or expired code; :class:`IdentityTaken`
        (and the code stays unused) when the identity is another user's."""
        validate_identity(platform, external_id)
        if _CODE.fullmatch(_normalise(code)) is None:
            raise InvalidLinkCode(_BAD_CODE)
        with self._pool.connection() as conn, conn.transaction():
            row = conn.execute("UPDATE link_codes SET used_at = %s, used_by = %s WHERE code_hash = %s "
                               "AND used_at IS NULL AND expires_at > %s RETURNING user_id",
                               (now, f"{platform}:{external_id}", _digest(code), now)).fetchone()
            if row is None:
                raise InvalidLinkCode(_BAD_CODE)
            return self._link(conn, platform, external_id, str(row[0]), "code")

    def void_code(self, code: str, *, now: datetime) -> bool:
        """Use a code up without linking (it was shown where others could read it). True if it was live."""
        if _CODE.fullmatch(_normalise(code)) is None:
            return False
        with self._pool.connection() as conn:
            return conn.execute("UPDATE link_codes SET used_at = %s, used_by = 'void' WHERE code_hash = %s "
                                "AND used_at IS NULL AND expires_at > %s", (now, _digest(code), now)).rowcount == 1


_BAD_CODE = ("that link code is not valid: it may be mistyped, used already or expired (a code works once, for "
             "a few minutes); get a new one and send it again")
