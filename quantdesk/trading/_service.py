"""Preparing and executing trades: the path from a request to an approved,
signed, submitted transaction.

prepare: price gate (only ``ok`` Pyth prices) → request to program units → the
exact transaction message (build, don't send) → simulation on the venue (no
signature needed) → pre-trade risk rules on the simulated outcome → an
:class:`OrderTicket` whose identity is the SHA-256 of that message, saved and
audited. Nothing is signed.

execute (the confirmation gate's other half; implements TicketExecutor): claim
the ticket with the approval (owner, full hash, before expiry, once; the one
claim is audited as the approval, every refused one as a refusal) → then, one
ticket of a trader at a time: is an order's order number still the trader's
next one → re-simulate the same message (the price may have moved past the
bound) → risk rules again → sign exactly the ticket's bytes → submit → audit
and record. A transaction that must fail is never signed: on a cluster a failed
transaction still pays fees.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from solders.instruction import Instruction
from solders.message import from_bytes_versioned, to_bytes_versioned
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.transaction import VersionedTransaction

from quantdesk.audit import AuditLog
from quantdesk.errors import ApprovalError, QuantDeskError, VenueError
from quantdesk.exchange import (
    MarketSpec,
    OrderParams,
    PerpInstructions,
    TransactionRejected,
    Venue,
    VenueResult,
    associated_token_address,
    build_message,
    usd,
    whole,
)
from quantdesk.engine import State, normalize_price
from quantdesk.locks import KeyedLocks
from quantdesk.market import TRADABLE, FeedRegistry, PriceReader
from quantdesk.risk import OrderRejectedByRisk, RiskLimits, RiskReport, evaluate
from quantdesk.tickets import (
    DEFAULT_TTL,
    Approval,
    ExecutionReport,
    OrderTicket,
    SimulatedOutcome,
    TicketKind,
    TicketStore,
    message_hash,
)
from quantdesk.trading._requests import (
    DEFAULT_SLIPPAGE_BPS,
    OrderRequest,
    TradeRequestError,
    base_name,
    base_units,
    fraction_units,
    leverage_value,
    limit_price_units,
    price_units,
    size_for_notional,
    slippage_bound,
    usdc_units,
)
from quantdesk.trading._outcomes import describe_fill, market_spec, order_outcome, order_risk, order_summary
from quantdesk.trading._wallets import UserWallets
from quantdesk.trading._facts import position_facts, with_liquidation_distance
from quantdesk.wallet import Signer

_KIND = {"market": "Market", "limit": "Limit", "stop_loss": "StopLoss", "take_profit": "TakeProfit"}


class StaleTicket(VenueError):
    """The ticket was built on an account state that has moved on; prepared again it would be valid."""


class ProgramRejected(VenueError):
    """The simulation says the program would refuse the transaction."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


@dataclass(frozen=True)
class OrderPlan:
    market: str
    summary: str
    bound: Decimal | None
    outcome: SimulatedOutcome
    report: RiskReport
    message_bytes: bytes
    client_order_id: int


class TradingService:
    def __init__(self, venue: Venue, prices: PriceReader, registry: FeedRegistry, ixs: PerpInstructions,
                 tickets: TicketStore, audit: AuditLog, wallets: UserWallets, *,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 limits: Callable[[str], RiskLimits] = lambda _user: RiskLimits(),
                 daily_pnl: Callable[[Pubkey, datetime], Decimal] | None = None,
                 onboard: Callable[[Signer], Awaitable[None]] | None = None) -> None:
        self._venue = venue
        self._prices = prices
        self._registry = registry
        self._ixs = ixs
        self._tickets = tickets
        self._audit = audit
        self._wallets = wallets
        self._clock = clock
        self._limits = limits
        self._daily_pnl = daily_pnl
        self._onboard = onboard
        # Re-validation and submission of one trader's tickets must not interleave: two
        # tickets built on the same account state would both simulate fine, and the second
        # would then land as a failed transaction.
        self._trader_turns = KeyedLocks()

    async def aclose(self) -> None:
        """Release the venue's connections (the Solana venue's RPC client)."""
        close = getattr(self._venue, "close", None)
        if close is not None:
            await close()

    # --- reads ---------------------------------------------------------------
    async def trader(self, user_id: str) -> Pubkey:
        """The trader's public key (their wallet is created and onboarded on first use on paper)."""
        signer, created = self._wallets.signer_for(user_id)
        if created and self._onboard is not None:
            await self._onboard(signer)
        return signer.pubkey

    async def state(self, *owners: Pubkey) -> State:
        """The exchange, its markets, and these traders' accounts and open orders (no one else's)."""
        return await self._venue.read_state_for(list(owners))

    def oracle_price(self, spec: MarketSpec) -> tuple[int, Any]:
        """The market's ``ok`` price in engine units (10^-6 USD) and the gated price; raises when not ok."""
        gated = self._prices.get(spec.feed_symbol, accept=TRADABLE)
        return normalize_price(gated.update.price, gated.update.expo), gated

    # --- prepare -------------------------------------------------------------
    async def prepare_order(self, user_id: str, thread_id: str, request: OrderRequest,
                            params: dict[str, Any]) -> OrderTicket:
        """A ticket for the order, if the program and the risk rules accept it."""
        try:
            plan = await self.plan_order(user_id, request)
        except ProgramRejected as exc:
            self._declined(user_id, thread_id, params, str(exc), error_name=exc.name)
            raise
        if not plan.report.passed:
            self._declined(user_id, thread_id, params, str(OrderRejectedByRisk(plan.report)), summary=plan.summary,
                           oracle_price=plan.outcome.detail.get("oracle_price"),
                           risk=[vars(r) for r in plan.report.results])
        plan.report.raise_if_failed()
        return self._save_ticket(user_id, thread_id, "order", "prepare_order", params, plan.market, plan.summary,
                                 plan.bound, plan.outcome, plan.report, plan.message_bytes,
                                 {"client_order_id": plan.client_order_id})

    async def plan_order(self, user_id: str, request: OrderRequest) -> OrderPlan:
        """What the order would do (simulated) and what the risk rules say; nothing is saved or signed."""
        spec = market_spec(request.market)
        owner, state, user = await self._account(user_id)
        oracle, gated = self.oracle_price(spec)
        position = next((p for p in user.positions if p.market_index == spec.index), None)
        side = request.side
        if side is None:
            if position is None:
                raise TradeRequestError(f"no {spec.symbol} position to protect; give a side and a size")
            side = "short" if position.base > 0 else "long"
        buy = side == "long"
        if request.whole_position:
            if position is None:
                raise TradeRequestError(f"no {spec.symbol} position to close")
            size = abs(position.base)
        elif request.size is not None:
            size = base_units(spec, request.size)
        else:
            assert request.notional_usd is not None
            size = size_for_notional(spec, request.notional_usd, oracle)
        leverage = leverage_value(spec, request.leverage)
        bps = request.slippage_bps if request.slippage_bps is not None else DEFAULT_SLIPPAGE_BPS
        price = trigger = 0
        if request.order_type == "market":
            price = slippage_bound(spec, oracle, buy, bps)
        elif request.order_type == "limit":
            assert request.price is not None
            price = limit_price_units(spec, request.price)
        else:
            assert request.price is not None
            trigger = price_units(request.price)
        reduce_only = request.reduce_only or request.order_type in ("stop_loss", "take_profit")
        reduces = position is not None and (position.base > 0) != buy
        asked = size
        if reduce_only and reduces and size > abs(position.base):
            # The program fills a reduce-only order by at most the position (SPEC.md, place_order step 9).
            # We sign the capped size rather than the asked one, so the instruction, the simulation and the
            # ticket all carry the one size that will fill, and a resting order cannot later fill more than
            # the ticket showed if the position grows before it triggers.
            size = abs(position.base)
        order = OrderParams(_KIND[request.order_type], "Buy" if buy else "Sell", size, price, trigger, reduce_only,
                            secrets.randbits(63), leverage)
        ix = self._ixs.place_order(owner, owner, spec.index, user.next_order_id, self._price_account(spec), order)
        message_bytes = await self._message(owner, [ix])
        result = await self._simulate(message_bytes)
        capped = {"asked_size": str(whole(asked, spec.base_decimals)), "capped_by_position": True}
        outcome = order_outcome(spec, result, state, oracle, leverage=leverage, reduces=reduces, buys=buy,
                                **(capped if size != asked else {}),
                                **position_facts(spec, position, user.collateral, buy, size, request.leverage is not None))
        outcome = with_liquidation_distance(outcome)
        report = self._risk(user_id, spec, gated, outcome, price if price else None)
        summary = order_summary(spec, request.order_type, buy, size, asked, position, price or trigger, leverage,
                                reduce_only, outcome)
        return OrderPlan(spec.symbol, summary, usd(price) if price else None, outcome, report, message_bytes,
                         order.client_order_id)

    def _declined(self, user_id: str, thread_id: str, params: dict[str, Any], error: str, **detail: Any) -> None:
        # An order refused before any ticket exists (by the program's simulation or the risk rules) is part
        # of the trader's story too: explain_event answers "why was my order rejected?" from this record.
        self._audit.append("error", user_id=user_id, thread_id=thread_id,
                           detail={"stage": "prepare", "tool": "prepare_order", "params": params, "error": error,
                                   **detail})

    def _save_ticket(self, user_id: str, thread_id: str, kind: TicketKind, tool: str, params: dict[str, Any],
                     market: str | None, summary: str, bound: Decimal | None, outcome: SimulatedOutcome,
                     report: RiskReport | None, message_bytes: bytes, audit: dict[str, Any]) -> OrderTicket:
        now = self._clock()
        ticket = OrderTicket(
            ticket_hash=message_hash(message_bytes), user_id=user_id, thread_id=thread_id, kind=kind, tool=tool,
            params=params, market=market, summary=summary, price_bound=bound, outcome=outcome,
            risk=[] if report is None else [dict(vars(r)) for r in report.results],
            message_b64=base64.b64encode(message_bytes).decode(), created_at=now, expires_at=now + DEFAULT_TTL)
        self._tickets.save(ticket)
        self._audit.append("ticket", user_id=user_id, thread_id=thread_id, ticket_hash=ticket.ticket_hash,
                           detail={"summary": summary, **audit})
        return ticket

    async def _account(self, user_id: str) -> tuple[Pubkey, State, Any]:
        owner = await self.trader(user_id)
        state = await self._venue.read_state_for([owner])
        user = next((u for u in state.users if u.owner == bytes(owner)), None)
        if user is None:
            raise TradeRequestError(f"{owner} has no trading account on this venue; deposit collateral first")
        return owner, state, user

    async def _message(self, owner: Pubkey, instructions: list[Instruction]) -> bytes:
        blockhash = (await self._venue.latest_blockhash()).blockhash
        return to_bytes_versioned(build_message(owner, self._venue.with_compute_budget(instructions), blockhash))

    def _price_account(self, spec: MarketSpec) -> Pubkey:
        return Pubkey.from_string(self._registry.get(spec.feed_symbol).price_account or "")

    async def prepare_close(self, user_id: str, thread_id: str, market: str, fraction: Decimal | None,
                            size: Decimal | None, params: dict[str, Any]) -> OrderTicket:
        """Close a position in full or in part at market (bounded by the default slippage)."""
        spec = market_spec(market)
        owner, state, user = await self._account(user_id)
        position = next((p for p in user.positions if p.market_index == spec.index), None)
        if position is None:
            raise TradeRequestError(f"no open {spec.symbol} position to close")
        held = abs(position.base)
        if size is not None:
            units = base_units(spec, size)
            if units > held:
                # Closing all of a smaller position is not what was typed: refuse rather than guess.
                raise TradeRequestError(f"your {spec.symbol} position is {whole(held, spec.base_decimals)} "
                                        f"{base_name(spec)}; cannot close {size}. Say 'close my "
                                        f"{base_name(spec)}' to close all of it")
        elif fraction is not None and fraction < 1:
            units = fraction_units(spec, held, fraction)
        else:
            units = held
        oracle, _ = self.oracle_price(spec)
        closing_buy = position.base < 0
        bound = slippage_bound(spec, oracle, closing_buy, DEFAULT_SLIPPAGE_BPS)
        ix = self._ixs.close_position(owner, owner, spec.index, self._price_account(spec),
                                      0 if units == held else units, bound)
        message_bytes = await self._message(owner, [ix])
        outcome = order_outcome(spec, await self._simulate(message_bytes), state, leverage=1, reduces=True,
                                buys=closing_buy, **position_facts(spec, position, user.collateral, closing_buy,
                                                                   units, True))
        what = "all" if units == held else f"{whole(units, spec.base_decimals)}"
        summary = f"Close {what} of the {spec.symbol} {'long' if position.base > 0 else 'short'} at market"
        return self._save_ticket(user_id, thread_id, "close", "prepare_close", params, spec.symbol, summary,
                                 usd(bound), outcome, None, message_bytes, {})

    async def prepare_cancel(self, user_id: str, thread_id: str, order_id: str | None, market: str | None,
                             every: bool, params: dict[str, Any]) -> OrderTicket:
        """Cancel one resting order, a market's, or all of them, in one transaction."""
        owner, state, _user = await self._account(user_id)
        mine = [o for o in state.orders if o.owner == bytes(owner)]
        if market is not None:
            index = market_spec(market).index
            mine = [o for o in mine if o.market_index == index]
        if order_id is not None:
            if not order_id.isdigit():
                raise TradeRequestError(f"order ids are numbers (see `my orders`); got {order_id!r}")
            mine = [o for o in mine if o.id == int(order_id)]
        if not mine:
            raise TradeRequestError("no matching open orders to cancel")
        if order_id is None and market is None and not every:
            raise TradeRequestError("say which order to cancel")
        ixs = [self._ixs.cancel_order(owner, owner, o.id) for o in mine]
        message_bytes = await self._message(owner, ixs)
        await self._simulate(message_bytes)
        ids = ", ".join(str(o.id) for o in mine)
        return self._save_ticket(user_id, thread_id, "cancel", "prepare_cancel", params, None,
                                 f"Cancel order(s) {ids}", None, SimulatedOutcome(detail={"orders": ids}), None,
                                 message_bytes, {})

    async def prepare_withdraw(self, user_id: str, thread_id: str, amount: Decimal, destination: str | None,
                               params: dict[str, Any]) -> OrderTicket:
        """Withdraw collateral to the trader's own wallet's token account; any other destination is refused."""
        owner, state, user = await self._account(user_id)
        assert state.exchange is not None
        own_token = associated_token_address(owner, Pubkey(state.exchange.collateral_mint))
        if destination is not None and destination not in (str(owner), str(own_token)):
            raise TradeRequestError(f"withdrawals go only to your own registered wallet {owner}; "
                                    f"{destination} is refused")
        units = usdc_units(amount)
        if units > user.collateral:
            raise TradeRequestError(f"free collateral is {usd(user.collateral)} USDC; cannot withdraw {amount}")
        message_bytes = await self._message(owner, [self._ixs.withdraw(owner, owner, own_token, units)])
        await self._simulate(message_bytes)
        outcome = SimulatedOutcome(free_collateral_after_usd=usd(user.collateral - units),
                                   detail={"destination": str(own_token)})
        return self._save_ticket(user_id, thread_id, "withdraw", "prepare_withdraw", params, None,
                                 f"Withdraw {amount} USDC to your wallet {owner}", None, outcome, None, message_bytes,
                                 {"destination": str(own_token)})

    async def _simulate(self, message_bytes: bytes) -> VenueResult:
        message = from_bytes_versioned(message_bytes)
        unsigned = VersionedTransaction.populate(message, [Signature.default()])
        result = await self._venue.simulate(bytes(unsigned), sig_verify=False)
        if not result.ok:
            raise ProgramRejected(result.error_name or "error", f"the program would refuse this order: "
                                                                f"{result.error_message}")
        return result

    def _risk(self, user_id: str, spec: MarketSpec, gated: Any, outcome: SimulatedOutcome,
              bound: int | None) -> RiskReport:
        """The risk rules on the same gated price the order was built and simulated with."""
        signer, _ = self._wallets.signer_for(user_id)
        # Realized PnL net of fees and funding since 24 h ago; venues without a history report none.
        daily = Decimal(0) if self._daily_pnl is None else self._daily_pnl(signer.pubkey, self._clock())
        return evaluate(self._limits(user_id), order_risk(spec, outcome, gated, bound, daily))

    # --- execute (TicketExecutor) --------------------------------------------
    async def execute(self, approval: Approval) -> ExecutionReport:
        try:
            ticket = self._tickets.claim(approval)  # wrong hash/user, expired, already used: ApprovalError
        except ApprovalError as exc:
            self._audit.refusal("approve", user_id=approval.user_id, thread_id=approval.thread_id, reason=str(exc),
                                named=approval.ticket_hash)
            raise
        self._audit.append("approval", user_id=approval.user_id, thread_id=ticket.thread_id,
                           ticket_hash=ticket.ticket_hash, detail={"at": approval.at.isoformat()})
        try:
            async with self._trader_turns(ticket.user_id):
                return await self._execute(ticket)
        except QuantDeskError as exc:
            self._tickets.finish(ticket.ticket_hash, ok=False, signature=None, result={"error": str(exc)})
            self._audit.append("error", user_id=ticket.user_id, thread_id=ticket.thread_id,
                               ticket_hash=ticket.ticket_hash, detail={"error": str(exc)})
            return ExecutionReport(False, ticket.ticket_hash, f"Not executed: {exc}. Nothing was sent.",
                                   rebuild=isinstance(exc, StaleTicket))

    async def _check_order_number(self, ticket: OrderTicket, message: Any) -> State:
        """An order ticket names the account of the trader's next order number at build time; once another
        order of theirs has landed, that account is taken and the transaction must fail. Returns the state read."""
        owner, state, user = await self._account(ticket.user_id)
        if self._ixs.order(owner, user.next_order_id) not in message.account_keys:
            raise StaleTicket(f"another order of yours landed after ticket {ticket.short_hash} was prepared, so the "
                              f"order number it was built with is taken (your next is #{user.next_order_id})")
        return state

    async def _execute(self, ticket: OrderTicket) -> ExecutionReport:
        message_bytes = ticket.message_bytes
        if message_hash(message_bytes) != ticket.ticket_hash:
            raise VenueError("ticket bytes do not match its hash")  # defence in depth; OrderTicket checks too
        signer, _ = self._wallets.signer_for(ticket.user_id)
        message = from_bytes_versioned(message_bytes)
        if message.account_keys[0] != signer.pubkey:
            raise VenueError("the ticket's fee payer is not this trader's wallet; nothing was signed")
        state = await self._check_order_number(ticket, message) if ticket.kind == "order" else None
        spec = market_spec(ticket.market) if ticket.market else None
        gated = self.oracle_price(spec)[1] if spec else None  # refuses a stale or wide price at execution too
        result = await self._simulate(message_bytes)  # SlippageExceeded here = price moved past the bound
        if state is not None and spec is not None:
            # The same measures as at preparation, on today's state: a resting order's would-be fill included.
            kept = {k: ticket.outcome.detail[k] for k in ("leverage", "reduces", "buys")}
            bound = price_units(ticket.price_bound) if ticket.price_bound else None
            report = self._risk(ticket.user_id, spec, gated, order_outcome(spec, result, state, **kept), bound)
            report.raise_if_failed()
        tx = VersionedTransaction.populate(message, [signer.sign_message(message_bytes)])
        signature = str(tx.signatures[0])
        self._audit.append("signature", user_id=ticket.user_id, thread_id=ticket.thread_id,
                           ticket_hash=ticket.ticket_hash, detail={"signature": signature})
        try:
            landed = await self._venue.submit(bytes(tx))
        except TransactionRejected as exc:
            raise VenueError(f"the venue refused the transaction ({exc})") from None
        data = {"signature": signature, "events": list(landed.events), "ok": landed.ok}
        self._audit.append("result", user_id=ticket.user_id, thread_id=ticket.thread_id,
                           ticket_hash=ticket.ticket_hash, detail={"ok": landed.ok, "error": landed.error_message})
        self._tickets.finish(ticket.ticket_hash, ok=landed.ok, signature=signature, result=data)
        if not landed.ok:
            return ExecutionReport(False, ticket.ticket_hash, f"The program refused it: {landed.error_message}",
                                   signature, data)
        text = (describe_fill(spec, landed, ticket) if spec is not None
                else f"Done: {ticket.summary}. Transaction {signature[:16]}…")
        return ExecutionReport(True, ticket.ticket_hash, text, signature, data)
