"""The project's exception tree. Every error we raise on purpose derives from
:class:`QuantDeskError`, so interfaces can show one clear line for any of them.

    QuantDeskError
    ├── ConfigError            settings are malformed or point at something missing
    │   └── ResourceBusy       a port or the data dir is already in use by another process
    ├── DatabaseError          the database cannot be reached or is in a bad state
    │   └── MigrationError     a migration failed or an applied one was edited
    ├── MarketDataError        prices unavailable or of the wrong quality
    ├── RiskRejected           a pre-trade check failed (rule, limit, value)
    ├── VenueError             the execution venue refused or failed
    ├── WalletError            a keypair/keystore is missing, malformed or locked
    └── ApprovalError          a ticket approval is invalid (wrong hash, user, expired)

Later modules add subclasses under these branches; keep the tree shallow.
Messages are for people: what failed, the limit, the value, what to do.
"""

from __future__ import annotations

import errno

__all__ = [
    "QuantDeskError",
    "ConfigError",
    "ResourceBusy",
    "port_error",
    "DatabaseError",
    "MigrationError",
    "MarketDataError",
    "RiskRejected",
    "VenueError",
    "ApprovalError",
    "WalletError",
]


class QuantDeskError(Exception):
    """Root of every error QuantDesk raises deliberately."""


class ConfigError(QuantDeskError):
    """Settings are invalid or refer to something that does not exist."""


class ResourceBusy(ConfigError):
    """Something this process must have to itself (a port, the data dir) is taken."""


def port_error(host: str, port: int, setting: str, exc: OSError) -> ConfigError:
    """The error for failing to listen on ``host:port`` (configured by ``setting``): ResourceBusy
    when something else holds the port, else a ConfigError with the system's reason."""
    if exc.errno == errno.EADDRINUSE:
        return ResourceBusy(f"port {port} on {host} is already in use ({setting}): stop whatever listens there, "
                            f"or set {setting} to a free port")
    return ConfigError(f"cannot listen on {host}:{port} (QUANTDESK_HOST, {setting}): {exc.strerror or exc}")


class DatabaseError(QuantDeskError):
    """The database is unreachable or unusable."""


class MigrationError(DatabaseError):
    """A migration failed, or an applied migration's file no longer matches."""


class MarketDataError(QuantDeskError):
    """A price is unavailable or does not meet the required quality."""


class RiskRejected(QuantDeskError):
    """A pre-trade risk rule rejected an order."""


class VenueError(QuantDeskError):
    """The execution venue refused or failed a transaction."""


class ApprovalError(QuantDeskError):
    """An approval does not match its ticket, its user, or came too late."""


class WalletError(QuantDeskError):
    """A wallet file is missing, malformed, or cannot be unlocked. Never carries key bytes."""
