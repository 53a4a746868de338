"""The users table: a small repository over the psycopg pool.

Operators change users through it (``quantdesk user``); sign-in reads it. Password
hashes never leave this module: callers get :class:`UserRecord`, which says only
whether a password is set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from psycopg_pool import ConnectionPool

from quantdesk.errors import ConfigError
from quantdesk.users._names import validate_user_name
from quantdesk.users._passwords import generate_password, hash_password, needs_rehash, verify_password


class UserExists(ConfigError):
    """A user of that name is already there."""


class UnknownUser(ConfigError):
    """No user of that name."""

    @classmethod
    def named(cls, name: str) -> UnknownUser:
        return cls(f"no user {name} (`quantdesk user list` shows who there is)")


@dataclass(frozen=True)
class UserRecord:
    name: str
    has_password: bool
    session_epoch: int
    created_at: datetime
    created_by: str
    updated_at: datetime


_COLUMNS = "user_id, password_hash IS NOT NULL, session_epoch, created_at, created_by, updated_at"


class UserStore:
    def __init__(self, pool: ConnectionPool) -> None:
        self._pool = pool

    def add(self, name: str, password: str | None, *, by: str) -> UserRecord:
        """A new user; ``password=None`` makes one who cannot sign in with a password
        (an auth proxy's header signs them in). :class:`UserExists` if the name is taken."""
        validate_user_name(name)
        hashed = None if password is None else hash_password(password)
        with self._pool.connection() as conn:
            row = conn.execute(
                f"INSERT INTO users (user_id, password_hash, created_by) VALUES (%s, %s, %s) "
                f"ON CONFLICT (user_id) DO NOTHING RETURNING {_COLUMNS}", (name, hashed, by)).fetchone()
        if row is None:
            raise UserExists(f"user {name} already exists (`quantdesk user passwd {name}` changes the password)")
        return UserRecord(*row)

    def add_with_generated_password(self, name: str, *, by: str) -> str | None:
        """Create ``name`` with a random password and return it, once; ``None`` if the user already exists."""
        password = generate_password()
        try:
            self.add(name, password, by=by)
        except UserExists:
            return None
        return password

    def set_password(self, name: str, password: str) -> UserRecord:
        """Replace the user's password; their web sessions signed in before end (the epoch moves on)."""
        hashed = hash_password(password)
        with self._pool.connection() as conn:
            row = conn.execute(
                f"UPDATE users SET password_hash = %s, session_epoch = session_epoch + 1, updated_at = now() "
                f"WHERE user_id = %s RETURNING {_COLUMNS}", (hashed, name)).fetchone()
        if row is None:
            raise UnknownUser.named(name)
        return UserRecord(*row)

    def remove(self, name: str) -> None:
        """Delete the user: they can no longer sign in anywhere. Their paper wallet,
        positions and history stay (keyed by name), for an operator to inspect."""
        with self._pool.connection() as conn:
            deleted = conn.execute("DELETE FROM users WHERE user_id = %s", (name,)).rowcount
        if not deleted:
            raise UnknownUser.named(name)

    def get(self, name: str) -> UserRecord | None:
        with self._pool.connection() as conn:
            row = conn.execute(f"SELECT {_COLUMNS} FROM users WHERE user_id = %s", (name,)).fetchone()
        return None if row is None else UserRecord(*row)

    def list(self) -> list[UserRecord]:
        with self._pool.connection() as conn:
            rows = conn.execute(f"SELECT {_COLUMNS} FROM users ORDER BY user_id").fetchall()
        return [UserRecord(*row) for row in rows]

    def verify(self, name: str, password: str) -> UserRecord | None:
        """The user if ``password`` is theirs, else ``None``: for a wrong password, an unknown
        user and a user without a password alike, after the same amount of hashing work."""
        with self._pool.connection() as conn:
            row = conn.execute(f"SELECT password_hash, {_COLUMNS} FROM users WHERE user_id = %s",
                               (name,)).fetchone()
        stored = None if row is None else row[0]
        if not verify_password(stored, password):
            return None
        assert row is not None and stored is not None
        if needs_rehash(stored):
            with self._pool.connection() as conn:  # same password, today's parameters; sessions go on
                conn.execute("UPDATE users SET password_hash = %s WHERE user_id = %s AND password_hash = %s",
                             (hash_password(password), name, stored))
        return UserRecord(*row[1:])

    def set_voice_approval(self, name: str, on: bool) -> None:
        """Allow (or stop) approving this user's tickets by reading back their voice code."""
        with self._pool.connection() as conn:
            updated = conn.execute("UPDATE users SET voice_approval = %s, updated_at = now() WHERE user_id = %s",
                                   (on, name)).rowcount
        if not updated:
            raise UnknownUser.named(name)

    def voice_approval(self, name: str) -> bool:
        """Whether the user turned voice approval on (off for an unknown user)."""
        with self._pool.connection() as conn:
            row = conn.execute("SELECT voice_approval FROM users WHERE user_id = %s", (name,)).fetchone()
        return bool(row and row[0])
