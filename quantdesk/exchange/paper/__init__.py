"""The paper venue: a local executor of signed transactions over the Python engine."""

from quantdesk.exchange.paper._errors import AnchorError
from quantdesk.exchange.paper._executor import Failure, OracleBook, PaperExecutor, TxOutcome, TxStatus
from quantdesk.exchange._pdas import Pdas
from quantdesk.exchange._spl import associated_token_address

__all__ = ["AnchorError", "Failure", "OracleBook", "PaperExecutor", "Pdas", "TxOutcome", "TxStatus",
           "associated_token_address"]
