"""The paper venue: a local executor of signed transactions over the Python engine."""

from quantdesk.exchange._pdas import Pdas
from quantdesk.exchange._spl import associated_token_address
from quantdesk.exchange.paper._activity import Cursor, KeeperAction, keeper_actions
from quantdesk.exchange.paper._bootstrap import EXCHANGE_PARAMS, INSURANCE_FUNDING, LIQUIDITY_FUNDING, bootstrap
from quantdesk.exchange.paper._errors import AnchorError
from quantdesk.exchange.paper._executor import Failure, OracleBook, PaperExecutor, TxOutcome, TxStatus
from quantdesk.exchange.paper._factory import PAPER, paper_adapter
from quantdesk.exchange.paper._history import History
from quantdesk.exchange.paper._keepers import Keeper, run_keepers
from quantdesk.exchange.paper._ledger import AccountStore
from quantdesk.exchange.paper._readmodels import order_fires, position_liquidation_price
from quantdesk.exchange.paper._scan import crossed_triggers, due_funding, liquidatable
from quantdesk.exchange.paper._service import WELCOME_USDC, PaperVenueParts, open_paper

__all__ = [
    "EXCHANGE_PARAMS",
    "INSURANCE_FUNDING",
    "LIQUIDITY_FUNDING",
    "PAPER",
    "WELCOME_USDC",
    "AccountStore",
    "AnchorError",
    "Cursor",
    "Failure",
    "History",
    "Keeper",
    "KeeperAction",
    "OracleBook",
    "PaperExecutor",
    "PaperVenueParts",
    "Pdas",
    "TxOutcome",
    "TxStatus",
    "associated_token_address",
    "bootstrap",
    "crossed_triggers",
    "due_funding",
    "keeper_actions",
    "liquidatable",
    "open_paper",
    "order_fires",
    "paper_adapter",
    "position_liquidation_price",
    "run_keepers",
]
