"""The paper venue as a :class:`~quantdesk.exchange._venues.VenueAdapter`: the local
executor behind the Venue interface, with what only it has (trade history and daily
PnL from its events, a welcome for new traders, the keepers' record, the executor
itself for the faucet and keepers)."""

from __future__ import annotations

from functools import partial

from quantdesk.config import Settings
from quantdesk.db import Database
from quantdesk.exchange._builder import PerpInstructions
from quantdesk.exchange._venue import PaperVenue
from quantdesk.exchange._venues import AlertFeeds, TraderWallets, VenueAdapter, VenueKind
from quantdesk.exchange.paper._activity import Cursor, KeeperAction, keeper_actions
from quantdesk.exchange.paper._history import daily_pnl, read_history
from quantdesk.exchange.paper._service import PaperVenueParts, open_paper, paper_onboarding

NAME = "paper"


def paper_adapter(parts: PaperVenueParts, db: Database, wallets: TraderWallets, *,
                  compute_unit_limit: int = 300_000, priority_fee_micro_lamports: int = 1_000) -> VenueAdapter:
    """The adapter over already opened parts (a test world brings its own executor and clock)."""

    def activity(user_id: str, after: Cursor) -> list[KeeperAction]:
        signer = wallets.existing(user_id)  # no wallet yet: nothing can have happened to it
        return [] if signer is None else keeper_actions(db.pool, signer.pubkey, after)

    venue = PaperVenue(parts.executor, compute_unit_limit=compute_unit_limit,
                       priority_fee_micro_lamports=priority_fee_micro_lamports)
    return VenueAdapter(NAME, venue, PerpInstructions(parts.executor.idl), history=partial(read_history, db.pool),
                        daily_pnl=partial(daily_pnl, db.pool), onboarding=paper_onboarding(parts),
                        keeper_activity=activity, local=parts)


def open_paper_venue(settings: Settings, db: Database, wallets: TraderWallets) -> VenueAdapter:
    """The paper venue on ``db``, bootstrapped (see :func:`open_paper`)."""
    return paper_adapter(open_paper(settings, db), db, wallets,
                         compute_unit_limit=settings.solana_compute_unit_limit,
                         priority_fee_micro_lamports=settings.solana_priority_fee_micro_lamports)


def paper_alert_feeds(settings: Settings, db: Database, wallets: TraderWallets) -> AlertFeeds:
    """Liquidation prices from the executor's state and fills from its events."""
    from quantdesk.alerts import paper_fill_lookup, paper_liquidation_lookup

    parts = open_paper(settings, db)

    def owner_of(user: str) -> bytes:
        return bytes(wallets.signer_for(user)[0].pubkey)

    return AlertFeeds(liquidation_price=paper_liquidation_lookup(parts.executor.state, owner_of),
                      fills=paper_fill_lookup(db.pool, owner_of))


PAPER = VenueKind(name=NAME, live=False, trader_wallets=True, open=open_paper_venue, alert_feeds=paper_alert_feeds,
                  open_local=open_paper)
