"""The Solana venue as a :class:`~quantdesk.exchange._venues.VenueAdapter`: a cluster
over JSON-RPC for the configured program. It has none of the paper venue's extra
capabilities yet (no history, daily PnL, onboarding or keeper record on a cluster)."""

from __future__ import annotations

from quantdesk.config import Settings
from quantdesk.db import Database
from quantdesk.exchange._builder import PerpInstructions
from quantdesk.exchange._idl import PerpIdl
from quantdesk.exchange._venues import AlertFeeds, TraderWallets, VenueAdapter, VenueKind
from quantdesk.exchange.solana._program import idl_for_program
from quantdesk.exchange.solana._venue import SolanaVenue

NAME = "solana"


def open_solana_venue(settings: Settings, _db: Database, wallets: TraderWallets) -> VenueAdapter:
    """The cluster at ``QUANTDESK_SOLANA_RPC_URL``, reading the configured wallet's accounts.
    Opens the configured wallet (QUANTDESK_WALLET_PATH), so a missing one fails here, at start-up."""
    idl = idl_for_program(PerpIdl.load(), settings.solana_program_id)
    operator, _ = wallets.signer_for("operator")
    venue = SolanaVenue(settings.solana_rpc_url, idl, commitment=settings.solana_commitment,
                        deadline_s=settings.solana_confirm_deadline_s, poll_s=settings.solana_poll_interval_s,
                        resend_s=settings.solana_resend_interval_s, rpc_timeout_s=settings.solana_rpc_timeout_s,
                        owners=[operator.pubkey], compute_unit_limit=settings.solana_compute_unit_limit,
                        priority_fee_micro_lamports=settings.solana_priority_fee_micro_lamports)
    return VenueAdapter(NAME, venue, PerpInstructions(idl))


def solana_alert_feeds(_settings: Settings, _db: Database, _wallets: TraderWallets) -> AlertFeeds:
    """Nothing besides prices yet: price alerts work, liquidation and order alerts do not fire."""
    return AlertFeeds()


SOLANA = VenueKind(name=NAME, live=True, trader_wallets=False, open=open_solana_venue, alert_feeds=solana_alert_feeds)
