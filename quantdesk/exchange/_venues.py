"""Venues as adapters of one shape, chosen from settings in one place.

Each venue package has a factory module (``quantdesk.exchange.paper._factory``,
``quantdesk.exchange.solana._factory``) that declares a :class:`VenueKind`: what the
venue is (static traits, read without opening anything) and how to open it. Opening
gives a :class:`VenueAdapter`: the venue behind the :class:`~quantdesk.exchange._venue.Venue`
interface, the instruction builder for its program, and the capabilities only some
venues have (``None`` where a venue has none), so callers test for a capability and
never for a venue's name. :func:`venue_kind` is the only place a venue name is
looked up; a new venue is one more factory module and one more line in ``_KINDS``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from quantdesk.errors import VenueError

if TYPE_CHECKING:
    from solders.pubkey import Pubkey

    from quantdesk.alerts import FillLookup, LiquidationLookup
    from quantdesk.config import Settings
    from quantdesk.db import Database
    from quantdesk.exchange._builder import PerpInstructions
    from quantdesk.exchange._venue import Venue
    from quantdesk.exchange.paper import Cursor, History, KeeperAction, PaperVenueParts
    from quantdesk.wallet import Signer


class TraderWallets(Protocol):
    """Which key signs for which trader (``quantdesk.trading.UserWallets``)."""

    def signer_for(self, user_id: str) -> tuple[Signer, bool]: ...

    def existing(self, user_id: str) -> Signer | None: ...


HistoryReader = Callable[["Pubkey", str, datetime], "History"]
DailyPnl = Callable[["Pubkey", datetime], Decimal]
Onboarding = Callable[["Signer"], Awaitable[None]]
KeeperActivity = Callable[[str, "Cursor"], "list[KeeperAction]"]


@dataclass(frozen=True)
class VenueAdapter:
    """An opened venue and what it can do besides taking signed transactions."""

    name: str
    venue: Venue
    instructions: PerpInstructions  # for the program this venue runs (its IDL, its program id)
    history: HistoryReader | None = None  # a trader's fills and funding over a period
    daily_pnl: DailyPnl | None = None  # today's realised PnL, for the daily-loss limit
    onboarding: Onboarding | None = None  # the welcome a new trader's wallet gets (faucet + deposit)
    keeper_activity: KeeperActivity | None = None  # what keepers did on a trader's account, after a cursor
    local: PaperVenueParts | None = None  # the in-process executor (faucet, keepers, local account reads)

    async def aclose(self) -> None:
        """Release the venue's connections (the Solana venue's RPC client)."""
        close = getattr(self.venue, "close", None)
        if close is not None:
            await close()


@dataclass(frozen=True)
class AlertFeeds:
    """What the alert service can read from a venue besides prices (``None``: not on this venue)."""

    liquidation_price: LiquidationLookup | None = None
    fills: FillLookup | None = None


@dataclass(frozen=True)
class VenueKind:
    """A venue's static traits and its factories. Opening nothing to read a trait."""

    name: str
    live: bool  # real funds: surfaces say LIVE and name the cluster
    trader_wallets: bool  # each trader gets a local wallet on first use; else the configured wallet signs
    open: Callable[[Settings, Database, TraderWallets], VenueAdapter]
    alert_feeds: Callable[[Settings, Database, TraderWallets], AlertFeeds]
    # Opens (and bootstraps) the in-process executor, for the faucet, keepers and local reads;
    # None for a venue that runs elsewhere.
    open_local: Callable[[Settings, Database], PaperVenueParts] | None = None


def _paper() -> VenueKind:
    from quantdesk.exchange.paper import PAPER

    return PAPER


def _solana() -> VenueKind:
    from quantdesk.exchange.solana import SOLANA

    return SOLANA


# Imported on first use: the factories pull in their whole venue (and every wallet and
# CLI module asks for a trait).
_KINDS: dict[str, Callable[[], VenueKind]] = {"paper": _paper, "solana": _solana}


def venue_kind(name: str) -> VenueKind:
    """The venue called ``name`` (``QUANTDESK_VENUE``); :class:`VenueError` for an unknown one."""
    factory = _KINDS.get(name)
    if factory is None:
        raise VenueError(f"unknown venue {name!r}: QUANTDESK_VENUE must be one of {', '.join(sorted(_KINDS))}")
    return factory()


def open_venue(settings: Settings, db: Database, wallets: TraderWallets) -> VenueAdapter:
    """The configured venue, opened on ``db`` (``wallets``: who signs for which trader)."""
    return venue_kind(settings.venue).open(settings, db, wallets)
