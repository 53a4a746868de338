"""Telling "the database is away right now" apart from "the database refused
what we asked". The first kind (server stopped or restarting, connection lost,
no connection within the pool's wait) is worth trying again later and gets one
plain message for the trader; the second is a bug or bad data and is not
dressed up as an outage."""

from __future__ import annotations

import psycopg
from psycopg_pool import PoolTimeout

from quantdesk.errors import DatabaseError

# SQLSTATE classes of a lost or refused connection: 08 connection exception,
# 57P operator intervention (admin/crash shutdown, cannot connect now).
_AWAY_STATES = ("08", "57P")


class DatabaseUnavailable(DatabaseError):
    """The database cannot be reached right now; nothing was done, try again when it is back."""


def is_unavailable(exc: BaseException) -> bool:
    """True if ``exc`` means the server is unreachable or went away (not a refused query)."""
    if isinstance(exc, DatabaseUnavailable | PoolTimeout | psycopg.InterfaceError):
        return True
    if isinstance(exc, psycopg.OperationalError):
        # No SQLSTATE: raised by the client itself (connection refused, server closed the connection).
        return exc.sqlstate is None or exc.sqlstate.startswith(_AWAY_STATES)
    return False
