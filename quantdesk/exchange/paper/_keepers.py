"""Keepers, as real keeper bots run them: they find every funding settlement due,
resting order whose trigger the oracle crossed and position under maintenance
margin (indexed queries on the read models, _scan.py: a pass with nothing to do
costs the same with ten traders or a hundred thousand), and for each they build a
transaction, simulate it, and submit the ones that would succeed, signed with the
keeper's own key.

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
from quantdesk.exchange.paper._executor import PaperExecutor, TxOutcome
from quantdesk.exchange.paper._scan import Liquidation, Trigger, crossed_triggers, due_funding, liquidatable
from quantdesk.logs import get_logger
from quantdesk.market import FeedRegistry
from quantdesk.wallet import Signer

log = get_logger(__name__)


@dataclass(frozen=True)
class Work:
    funding: list[int]
    triggers: list[Trigger]
    liquidations: list[Liquidation]


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
        me = bytes(self._signer.pubkey)
        if self._executor.account_state(me).user(me) is None:
            self._try(self._ixs.create_user(self._signer.pubkey))

    def find_work(self, now: int) -> Work:
        """What a pass would try: funding due, crossed triggers, liquidations (indexed queries)."""
        state = self._executor.exchange_state()
        marks = self._executor.marks()
        me = bytes(self._signer.pubkey)
        with self._executor.pool.connection() as conn:
            triggers = crossed_triggers(conn, marks)
            liquidations = [w for w in liquidatable(conn, state.markets, marks) if w.owner != me]
        return Work(due_funding(state, now), triggers, liquidations)

    def run_once(self, now: int) -> KeeperReport:
        """One pass: settle funding, trigger orders, liquidate."""
        work = self.find_work(now)
        report = KeeperReport()
        for index in work.funding:
            if self._try(self._ixs.settle_funding(index, self._price_accounts[index]), report):
                report.funding += 1
        for trigger in work.triggers:
            owner = Pubkey(trigger.owner)
            ix = self._ixs.trigger_order(self._signer.pubkey, owner, trigger.order_id, trigger.market_index,
                                         self._price_accounts[trigger.market_index], rent_payer=owner)
            if self._try(ix, report):
                report.triggered += 1
        for liquidation in work.liquidations:
            ix = self._ixs.liquidate(self._signer.pubkey, Pubkey(liquidation.owner), liquidation.market_index,
                                     self._price_accounts[liquidation.market_index])
            if self._try(ix, report):
                report.liquidated += 1
        return report

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
