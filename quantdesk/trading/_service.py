"""Preparing and executing trades: the path from a request to an approved,
signed, submitted transaction, in three steps (as a risk engine stands between
order planning and execution):

1. plan (:class:`OrderPlanner`): price gate (only ``ok`` Pyth prices) → request to
   program units → the exact transaction message (build, don't send) → simulation
   on the venue (no signature needed) → the ticket's words and figures;
2. risk gate (:class:`RiskGate`): the pre-trade rules on the simulated outcome;
3. ticket desk (:class:`TicketDesk`): an :class:`OrderTicket` whose identity is the
   SHA-256 of that message, saved and audited; later claimed with its approval,
   re-validated, signed, submitted. The desk writes the whole audit trail.

:class:`TradingService` is the one object callers hold: it wires the three and
answers the tools' reads.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from solders.pubkey import Pubkey

from quantdesk.audit import AuditLog
from quantdesk.engine import State
from quantdesk.exchange import AccountView, MarketSpec, PerpInstructions, Venue, account_view
from quantdesk.market import FeedRegistry, PriceReader
from quantdesk.risk import OrderRejectedByRisk, RiskLimits, RiskReport
from quantdesk.tickets import Approval, ClosedStatus, ExecutionReport, OrderTicket, SimulatedOutcome, TicketStore
from quantdesk.trading._access import ProgramRejected, VenueAccess, oracle_marks
from quantdesk.trading._desk import TicketDesk
from quantdesk.trading._funding import FundingOutlook, funding_outlook
from quantdesk.trading._outcomes import market_spec
from quantdesk.trading._planner import OrderDraft, OrderPlanner
from quantdesk.trading._requests import OrderRequest
from quantdesk.trading._risk_gate import RiskGate
from quantdesk.trading._wallets import UserWallets
from quantdesk.wallet import Signer


@dataclass(frozen=True)
class OrderPlan:
    """An order planned and put through the risk gate; nothing saved or signed."""

    draft: OrderDraft
    report: RiskReport

    @property
    def summary(self) -> str:
        return self.draft.summary

    @property
    def outcome(self) -> SimulatedOutcome:
        return self.draft.outcome


class TradingService:
    def __init__(self, venue: Venue, prices: PriceReader, registry: FeedRegistry, ixs: PerpInstructions,
                 tickets: TicketStore, audit: AuditLog, wallets: UserWallets, *,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 limits: Callable[[str], RiskLimits] = lambda _user: RiskLimits(),
                 daily_pnl: Callable[[Pubkey, datetime], Decimal] | None = None,
                 onboard: Callable[[Signer], Awaitable[None]] | None = None) -> None:
        self._access = VenueAccess(venue, prices, registry, wallets, onboard)
        self.gate = RiskGate(wallets, clock, limits, daily_pnl)
        self.planner = OrderPlanner(self._access, ixs)
        self.desk = TicketDesk(self._access, ixs, self.gate, tickets, audit, clock)

    async def aclose(self) -> None:
        """Release the venue's connections (the Solana venue's RPC client)."""
        await self._access.aclose()

    # --- reads ---------------------------------------------------------------
    async def trader(self, user_id: str) -> Pubkey:
        """The trader's public key (their wallet is created and onboarded on first use on paper)."""
        return await self._access.trader(user_id)

    async def state(self, *owners: Pubkey) -> State:
        """The exchange, its markets, and these traders' accounts and open orders (no one else's)."""
        return await self._access.state(*owners)

    def oracle_price(self, spec: MarketSpec) -> tuple[int, Any]:
        """The market's ``ok`` price in engine units (10^-6 USD) and the gated price; raises when not ok."""
        return self._access.oracle_price(spec)

    async def account_view(self, user_id: str, prices: PriceReader) -> AccountView | None:
        """The trader's account marked at ``prices`` (any quality: this is for reading, not trading)."""
        owner = await self.trader(user_id)
        return account_view(await self.state(owner), bytes(owner), oracle_marks(prices))

    async def funding(self, market: str, now: datetime) -> FundingOutlook:
        """The market's last and next funding rates and when the next is due."""
        return funding_outlook(await self.state(), market_spec(market), int(now.timestamp()))

    # --- prepare -------------------------------------------------------------
    async def plan_order(self, user_id: str, request: OrderRequest) -> OrderPlan:
        """What the order would do (simulated) and what the risk rules say; nothing is saved or signed."""
        draft = await self.planner.order(user_id, request)
        assert draft.spec is not None
        return OrderPlan(draft, self.gate.check(user_id, draft.spec, draft.gated, draft.outcome, draft.bound_units))

    async def prepare_order(self, user_id: str, thread_id: str, request: OrderRequest,
                            params: dict[str, Any]) -> OrderTicket:
        """A ticket for the order, if the program and the risk rules accept it."""
        tool = "prepare_order"
        try:
            plan = await self.plan_order(user_id, request)
        except ProgramRejected as exc:
            self.desk.declined(user_id, thread_id, tool, params, str(exc), error_name=exc.name)
            raise
        if not plan.report.passed:
            self.desk.declined(user_id, thread_id, tool, params, str(OrderRejectedByRisk(plan.report)),
                               summary=plan.summary, oracle_price=plan.outcome.detail.get("oracle_price"),
                               risk=[vars(r) for r in plan.report.results])
        plan.report.raise_if_failed()
        return self.desk.issue(user_id, thread_id, tool, params, plan.draft, plan.report)

    async def prepare_close(self, user_id: str, thread_id: str, market: str, fraction: Decimal | None,
                            size: Decimal | None, params: dict[str, Any]) -> OrderTicket:
        """Close a position in full or in part at market (bounded by the default slippage)."""
        draft = await self.planner.close(user_id, market, fraction, size)
        return self.desk.issue(user_id, thread_id, "prepare_close", params, draft)

    async def prepare_cancel(self, user_id: str, thread_id: str, order_id: str | None, market: str | None,
                             every: bool, params: dict[str, Any]) -> OrderTicket:
        """Cancel one resting order, a market's, or all of them, in one transaction."""
        draft = await self.planner.cancel(user_id, order_id, market, every)
        return self.desk.issue(user_id, thread_id, "prepare_cancel", params, draft)

    async def prepare_withdraw(self, user_id: str, thread_id: str, amount: Decimal, destination: str | None,
                               params: dict[str, Any]) -> OrderTicket:
        """Withdraw collateral to the trader's own wallet's token account; any other destination is refused."""
        draft = await self.planner.withdraw(user_id, amount, destination)
        return self.desk.issue(user_id, thread_id, "prepare_withdraw", params, draft)

    # --- execute, close, refuse (TicketExecutor) -----------------------------
    async def execute(self, approval: Approval) -> ExecutionReport:
        """Claim, re-validate, sign and submit the approved ticket (the ticket desk's)."""
        return await self.desk.execute(approval)

    def close(self, ticket: OrderTicket, status: ClosedStatus, reason: str, now: datetime) -> None:
        self.desk.close(ticket, status, reason, now)

    def refuse(self, action: str, approval: Approval, reason: str, ticket: OrderTicket) -> None:
        self.desk.refuse(action, approval, reason, ticket)
