"""The exchange: IDL client for the QuantDesk perp program and the venues (paper
executor, Solana RPC) behind one interface. The Python mirror of the program's engine
is its own package, ``quantdesk.engine`` (as the Rust engine crate stands apart from the
Anchor program)."""

from quantdesk.exchange._blockhash import GENESIS, MAX_AGE_SLOTS, SLOT_MS, BlockhashIssuer, slot_at
from quantdesk.exchange._builder import OrderParams, PerpInstructions, build_message
from quantdesk.exchange._idl import IDL_PATH, IdlError, PerpIdl
from quantdesk.exchange._markets import MARKETS, MarketSpec, market_by_symbol
from quantdesk.exchange._spl import associated_token_address
from quantdesk.exchange._txcheck import (
    MAX_TRANSACTION_BYTES,
    AdmittedTransaction,
    TransactionRejected,
    admit_transaction,
)
from quantdesk.exchange._venue import PaperVenue, SubmitTimeout, Venue, VenueResult
from quantdesk.exchange._venues import TraderWallets, VenueAdapter, open_venue, venue_kind
from quantdesk.exchange._views import AccountView, account_view, whole
from quantdesk.units import usd

__all__ = [
    "GENESIS", "IDL_PATH", "MARKETS", "MAX_AGE_SLOTS", "MAX_TRANSACTION_BYTES", "SLOT_MS", "AccountView",
    "AdmittedTransaction", "BlockhashIssuer", "IdlError", "MarketSpec", "OrderParams", "PaperVenue", "PerpIdl",
    "PerpInstructions", "SubmitTimeout", "TraderWallets", "TransactionRejected", "Venue", "VenueAdapter", "VenueResult",
    "account_view", "admit_transaction", "associated_token_address", "build_message", "market_by_symbol", "open_venue",
    "slot_at", "usd", "venue_kind", "whole",
]
