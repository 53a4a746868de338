"""The Solana venue: the same signed transactions as the paper venue, sent to a
cluster over JSON-RPC with simulation first, a compute budget, confirmation
polling with a deadline, blockhash expiry and idempotent order placement.

It never signs: it has no signer. Accounts and events are read (and, for test
doubles, written) in the program's own layouts via its IDL.
"""

from quantdesk.exchange._pdas import Pdas
from quantdesk.exchange.solana._accounts import (
    ACCOUNT_SPACE,
    AccountDecodeError,
    ExchangeAccount,
    decode_exchange,
    decode_market,
    decode_order,
    decode_state,
    decode_user,
    encode_exchange,
    encode_market,
    encode_order,
    encode_state,
    encode_user,
)
from quantdesk.exchange.solana._budget import COMPUTE_BUDGET_PROGRAM, MAX_COMPUTE_UNIT_LIMIT, with_compute_budget
from quantdesk.exchange.solana._errors import (
    ANCHOR_ERRORS,
    ErrorNames,
    OrderAlreadyPlaced,
    PreflightRejected,
    ProgramFailure,
    RpcError,
    RpcUnavailable,
    transaction_error_name,
)
from quantdesk.exchange.solana._events import event_log_line, events_from_logs
from quantdesk.exchange.solana._factory import SOLANA
from quantdesk.exchange.solana._program import idl_for_program
from quantdesk.exchange.solana._rpc import parse_guarded
from quantdesk.exchange.solana._venue import (
    DEFAULT_COMMITMENT,
    DEFAULT_COMPUTE_UNIT_LIMIT,
    DEFAULT_DEADLINE_S,
    DEFAULT_POLL_S,
    DEFAULT_PRIORITY_FEE_MICRO_LAMPORTS,
    DEFAULT_RESEND_S,
    DEFAULT_RPC_TIMEOUT_S,
    SolanaVenue,
)

__all__ = [
    "ACCOUNT_SPACE",
    "ANCHOR_ERRORS",
    "COMPUTE_BUDGET_PROGRAM",
    "DEFAULT_COMMITMENT",
    "DEFAULT_COMPUTE_UNIT_LIMIT",
    "DEFAULT_DEADLINE_S",
    "DEFAULT_POLL_S",
    "DEFAULT_PRIORITY_FEE_MICRO_LAMPORTS",
    "DEFAULT_RESEND_S",
    "DEFAULT_RPC_TIMEOUT_S",
    "MAX_COMPUTE_UNIT_LIMIT",
    "AccountDecodeError",
    "ExchangeAccount",
    "OrderAlreadyPlaced",
    "Pdas",
    "PreflightRejected",
    "RpcError",
    "RpcUnavailable",
    "SolanaVenue",
    "decode_exchange",
    "decode_market",
    "decode_order",
    "decode_state",
    "decode_user",
    "encode_exchange",
    "encode_market",
    "encode_order",
    "encode_state",
    "encode_user",
    "event_log_line",
    "events_from_logs",
    "idl_for_program",
    "with_compute_budget",
    "ErrorNames",
    "ProgramFailure",
    "transaction_error_name",
    "parse_guarded",
    "SOLANA",
]
