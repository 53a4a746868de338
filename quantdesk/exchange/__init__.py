"""The exchange: IDL client for the QuantDesk perp program and the venues (paper
executor, Solana RPC) behind one interface. The Python mirror of the program's engine
is its own package, ``quantdesk.engine`` (as the Rust engine crate stands apart from the
Anchor program)."""

from quantdesk.exchange._txcheck import AdmittedTransaction, TransactionRejected, admit_transaction

__all__ = ["AdmittedTransaction", "TransactionRejected", "admit_transaction"]
