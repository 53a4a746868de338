"""Setting up the paper exchange on first run, with signed transactions through
the executor like any client: initialize, list the markets, fund the liquidity
vault and insurance fund from the admin's faucet money. Idempotent, but
check-then-act: concurrent callers must hold the set-up lock, as
``open_paper`` does (quantdesk.exchange.paper._service)."""

from __future__ import annotations

from collections.abc import Sequence

from solders.instruction import Instruction
from solders.pubkey import Pubkey

from quantdesk.errors import VenueError
from quantdesk.exchange._builder import PerpInstructions, build_message
from quantdesk.exchange._markets import MARKETS, MarketSpec
from quantdesk.exchange._spl import associated_token_address
from quantdesk.exchange.paper._executor import PaperExecutor, TxOutcome
from quantdesk.market import FeedRegistry
from quantdesk.units import usd_units
from quantdesk.wallet import Signer

LIQUIDITY_FUNDING = usd_units(10_000_000)  # 10M paper USDC backs the vault's side of trades
INSURANCE_FUNDING = usd_units(1_000_000)
# The exchange-wide parameters: a 1 % liquidation fee, half of it to the liquidator, and
# 20 % of every trading fee to the insurance fund. Named so the trader docs render them.
EXCHANGE_PARAMS = {"liquidation_fee_ppm": 10_000, "liquidator_share_ppm": 500_000, "insurance_fee_share_ppm": 200_000}


def paper_mint(executor: PaperExecutor) -> Pubkey:
    """The paper USDC mint (a fixed address derived from the program id)."""
    return Pubkey.find_program_address([b"paper-usdc"], executor.idl.program_id)[0]


def send(executor: PaperExecutor, signer: Signer, instructions: list[Instruction]) -> TxOutcome:
    message = build_message(signer.pubkey, instructions, executor.latest_blockhash().blockhash)
    outcome = executor.submit(bytes(signer.sign_transaction(message)))
    if not outcome.ok:
        assert outcome.failure is not None
        raise VenueError(f"paper bootstrap step failed: {outcome.failure.name}: {outcome.failure.message}")
    return outcome


def bootstrap(executor: PaperExecutor, admin: Signer, registry: FeedRegistry,
              markets: Sequence[MarketSpec] = MARKETS) -> bool:
    """Make sure the exchange, its markets (the market table's, in index order) and pools
    exist. True if anything was done."""
    ixs = PerpInstructions(executor.idl)
    state = executor.exchange_state()
    changed = False
    mint = paper_mint(executor)
    if state.exchange is None:
        send(executor, admin, [ixs.initialize_exchange(admin.pubkey, mint, **EXCHANGE_PARAMS)])
        changed = True
    for spec in markets[len(executor.exchange_state().markets):]:
        send(executor, admin, [ixs.add_market(admin.pubkey, spec.index, spec.params(registry))])
        changed = True
    exchange = executor.exchange_state().exchange
    assert exchange is not None
    if exchange.liquidity_vault == 0 and exchange.insurance_fund == 0:
        token = executor.faucet(admin.pubkey, LIQUIDITY_FUNDING + INSURANCE_FUNDING)
        assert token == associated_token_address(admin.pubkey, mint)
        send(executor, admin, [ixs.fund_pool(admin.pubkey, token, "Liquidity", LIQUIDITY_FUNDING),
                               ixs.fund_pool(admin.pubkey, token, "Insurance", INSURANCE_FUNDING)])
        changed = True
    return changed
