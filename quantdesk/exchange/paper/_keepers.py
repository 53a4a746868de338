"""Keepers, as real keeper bots run them: they read the exchange state, and for
every funding settlement due, resting order whose trigger the oracle crossed and
position under maintenance margin, they build a transaction, simulate it, and
submit the ones that would succeed, signed with the keeper's own key.

Simulating first keeps the transaction log free of keepers' failed guesses; the
program still decides (a trigger or liquidation it refuses changes nothing).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from solders.instruction import Instruction
from solders.pubkey import Pubkey

from quantdesk.exchange._builder import PerpInstructions, build_message
from quantdesk.exchange._markets import MARKETS
from quantdesk.exchange._txcheck import TransactionRejected
from quantdesk.exchange.engine import OrderKind, State
from quantdesk.exchange.paper._executor import PaperExecutor, TxOutcome
from quantdesk.logs import get_logger
from quantdesk.market import FeedRegistry
from quantdesk.wallet import Signer

log = get_logger(__name__)


@dataclass
class KeeperReport:
    funding: int = 0
    triggered: int = 0
    liquidated: int = 0
    outcomes: list[TxOutcome] = field(default_factory=list)


class Keeper:
    def __init__(self, executor: PaperExecutor, signer: Signer, registry: FeedRegistry) -> None:
        self._executor = executor
        self._signer = signer
        self._ixs = PerpInstructions(executor.idl)
        self._price_accounts = {spec.index: Pubkey.from_string(registry.get(spec.feed_symbol).price_account or "")
                                for spec in MARKETS}

    def ensure_account(self) -> None:
        """The keeper's trading account receives liquidation rewards; create it once."""
        if not any(u.owner == bytes(self._signer.pubkey) for u in self._executor.state().users):
            self._try(self._ixs.create_user(self._signer.pubkey))

    def run_once(self, now: int) -> KeeperReport:
        """One pass over the state: settle funding, trigger orders, liquidate."""
        state = self._executor.state()
        report = KeeperReport()
        for market in state.markets:
            if not market.paused and now - market.last_funding_ts >= market.params.funding_interval_secs:
                if self._try(self._ixs.settle_funding(market.index, self._price_accounts[market.index]), report):
                    report.funding += 1
        for order in self._resting_orders(state):
            owner = Pubkey(order.owner)
            ix = self._ixs.trigger_order(self._signer.pubkey, owner, order.id, order.market_index,
                                         self._price_accounts[order.market_index], rent_payer=owner)
            if self._try(ix, report):
                report.triggered += 1
        for user in state.users:
            if user.owner == bytes(self._signer.pubkey):
                continue
            for position in user.positions:
                ix = self._ixs.liquidate(self._signer.pubkey, Pubkey(user.owner), position.market_index,
                                         self._price_accounts[position.market_index])
                if self._try(ix, report):
                    report.liquidated += 1
        return report

    @staticmethod
    def _resting_orders(state: State) -> list:  # noqa: ANN205 - engine Orders
        return [o for o in state.orders if o.kind in (OrderKind.LIMIT, OrderKind.STOP_LOSS, OrderKind.TAKE_PROFIT)]

    def _try(self, instruction: Instruction, report: KeeperReport | None = None) -> bool:
        message = build_message(self._signer.pubkey, [instruction], self._executor.latest_blockhash().blockhash)
        raw = bytes(self._signer.sign_transaction(message))
        try:
            if not self._executor.simulate(raw).ok:
                return False
            outcome = self._executor.submit(raw)
        except TransactionRejected as exc:
            log.warning("keeper.rejected", error=str(exc))
            return False
        if report is not None:
            report.outcomes.append(outcome)
        if outcome.ok:
            log.info("keeper.action", signature=outcome.signature[:16], events=[e["type"] for e in outcome.events])
        return outcome.ok


async def run_keepers(keeper: Keeper, clock: Callable[[], float], *, interval_s: float = 2.0,
                      stop: asyncio.Event | None = None) -> None:
    """Run keeper passes every ``interval_s`` until ``stop`` is set (a background task)."""
    stop = stop or asyncio.Event()
    await asyncio.to_thread(keeper.ensure_account)
    while not stop.is_set():
        await asyncio.to_thread(keeper.run_once, int(clock()))
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval_s)
        except TimeoutError:
            continue
