"""The paper venue: a local executor of signed transactions over the Python engine."""

from quantdesk.exchange.paper._errors import AnchorError
from quantdesk.exchange.paper._executor import Failure, OracleBook, PaperExecutor, TxOutcome, TxStatus
from quantdesk.exchange._pdas import Pdas
from quantdesk.exchange._spl import associated_token_address
from quantdesk.exchange.paper._service import WELCOME_USDC, PaperVenueParts, open_paper, paper_onboarding
from quantdesk.exchange.paper._keepers import Keeper, run_keepers
from quantdesk.exchange.paper._history import History, daily_pnl, read_history
from quantdesk.exchange.paper._bootstrap import EXCHANGE_PARAMS, INSURANCE_FUNDING, LIQUIDITY_FUNDING, bootstrap
from quantdesk.exchange.paper._activity import Cursor, KeeperAction, keeper_actions
from quantdesk.exchange.paper._scan import crossed_triggers, due_funding, liquidatable
from quantdesk.exchange.paper._readmodels import order_fires, position_liquidation_price
from quantdesk.exchange.paper._ledger import AccountStore

__all__ = [
    "EXCHANGE_PARAMS", "INSURANCE_FUNDING", "LIQUIDITY_FUNDING", "WELCOME_USDC", "AccountStore", "AnchorError",
    "Cursor", "Failure", "History", "Keeper", "KeeperAction", "OracleBook", "PaperExecutor", "PaperVenueParts", "Pdas",
    "TxOutcome", "TxStatus", "associated_token_address", "bootstrap", "crossed_triggers", "daily_pnl", "due_funding",
    "keeper_actions", "liquidatable", "open_paper", "order_fires", "paper_onboarding", "position_liquidation_price",
    "read_history", "run_keepers",
]
