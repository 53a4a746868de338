"""The exchange: IDL client for the QuantDesk perp program, the Python mirror of
its engine, and the venues (paper executor, Solana RPC) behind one interface."""

from quantdesk.exchange._txcheck import AdmittedTransaction, TransactionRejected, admit_transaction

__all__ = ["AdmittedTransaction", "TransactionRejected", "admit_transaction"]
