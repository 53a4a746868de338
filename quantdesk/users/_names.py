"""Trader names: the one QuantDesk user id every surface maps its identity to.

A user id is what the paper venue keys a trader's wallet, tickets, threads and
risk limits by, so it is checked once, here, wherever one enters (CLI options,
sign-in, links): a bad one is refused with a message, never silently replaced.
"""

from __future__ import annotations

import getpass
import re
import unicodedata

from quantdesk.errors import ConfigError

MAX_USER_NAME = 64
# Letters, digits and a few separators; no spaces, no control or invisible characters.
_ALLOWED = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]*$")


class InvalidUserName(ConfigError):
    """A user name is empty, too long, or has characters a user id may not hold."""


def validate_user_name(name: str) -> str:
    """The name itself when it is a valid user id; :class:`InvalidUserName` otherwise."""
    if not name:
        raise InvalidUserName("a user name must not be empty")
    if len(name) > MAX_USER_NAME:
        raise InvalidUserName(f"a user name has at most {MAX_USER_NAME} characters (got {len(name)})")
    if unicodedata.normalize("NFKC", name) != name or not _ALLOWED.fullmatch(name):
        raise InvalidUserName(f"user name {name!r} may hold only ASCII letters, digits and . _ @ + - "
                              "(starting with a letter or digit)")
    return name


def local_user_name() -> str:
    """The machine's own trader: the OS login name when it is a valid user id, else ``trader``.

    It is the default user of the terminal chat and the paper CLI commands, and the
    local web user created on first run, so one person on their own machine sees the
    same wallet, positions and threads everywhere."""
    try:
        return validate_user_name(getpass.getuser())
    except (InvalidUserName, KeyError, OSError):
        return "trader"
