"""Opening the paper venue for a process: the executor on the database, the
exchange bootstrapped by the paper admin, and the local wallets it uses (created
on first run in the data dir; their paths are reported, never their keys)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from quantdesk.config import Settings
from quantdesk.db import Database, advisory_lock
from quantdesk.exchange._idl import PerpIdl
from quantdesk.exchange.paper._bootstrap import bootstrap
from quantdesk.exchange.paper._executor import PaperExecutor
from quantdesk.logs import get_logger
from quantdesk.market import FeedRegistry
from quantdesk.units import usd_units
from quantdesk.wallet import Signer, create_wallet, load_signer

log = get_logger(__name__)

# Arbitrary constant naming "paper venue set-up" in pg_advisory_lock's key space.
PAPER_SETUP_LOCK_KEY = 0x5144_5041_5045_52


@dataclass(frozen=True)
class PaperVenueParts:
    executor: PaperExecutor
    registry: FeedRegistry
    admin: Signer
    keeper: Signer


def _local_signer(path: Path, role: str) -> Signer:
    if path.exists():
        return load_signer(path)
    signer = create_wallet(path)
    log.info("paper.wallet_created", role=role, path=str(path), pubkey=str(signer.pubkey))
    return signer


def open_paper(settings: Settings, db: Database) -> PaperVenueParts:
    """The paper venue, bootstrapped (idempotent; safe in every process at once).

    Set-up is check-then-act (does the wallet file / the exchange exist?), so
    processes starting together (keepers and alerts under `quantdesk run`, or
    standalone) take turns under an advisory lock: the first creates the wallets
    and bootstraps, the others find everything done. Without it, two would sign
    the same initialize transaction and one would die with AlreadyProcessed.
    """
    registry = FeedRegistry.load()
    executor = PaperExecutor(db.pool, PerpIdl.load(), registry)
    wallets = settings.data_dir / "wallets"
    with advisory_lock(db, PAPER_SETUP_LOCK_KEY):
        admin = _local_signer(wallets / "paper-admin.json", "admin")
        keeper = _local_signer(wallets / "paper-keeper.json", "keeper")
        if bootstrap(executor, admin, registry):
            log.info("paper.bootstrapped", markets=len(executor.exchange_state().markets))
    return PaperVenueParts(executor, registry, admin, keeper)


WELCOME_USDC = 10_000


def paper_onboarding(parts: PaperVenueParts) -> Callable[[Signer], Awaitable[None]]:
    """The paper venue's welcome for a new trader's wallet: 10,000 paper USDC from the
    faucet, a trading account and the deposit, in one signed transaction."""
    from quantdesk.exchange._builder import PerpInstructions, build_message

    ixs = PerpInstructions(parts.executor.idl)

    async def onboard(signer: Signer) -> None:
        amount = usd_units(WELCOME_USDC)
        token = await asyncio.to_thread(parts.executor.faucet, signer.pubkey, amount)
        blockhash = (await asyncio.to_thread(parts.executor.latest_blockhash)).blockhash
        message = build_message(signer.pubkey, [ixs.create_user(signer.pubkey),
                                                ixs.deposit(signer.pubkey, signer.pubkey, token, amount)], blockhash)
        outcome = await asyncio.to_thread(parts.executor.submit, bytes(signer.sign_transaction(message)))
        log.info("paper.trader_onboarded", pubkey=str(signer.pubkey), ok=outcome.ok)

    return onboard
