"""Preparing and executing trades: the path from a request to an approved,
signed, submitted transaction.

prepare: price gate (only ``ok`` Pyth prices) → request to program units → the
exact transaction message (build, don't send) → simulation on the venue (no
signature needed) → pre-trade risk rules on the simulated outcome → an
:class:`OrderTicket` whose identity is the SHA-256 of that message, saved and
audited. Nothing is signed.

execute (the confirmation gate's other half; implements TicketExecutor): claim
the ticket with the approval (owner, full hash, before expiry, once) →
re-simulate the same message (the price may have moved past the bound) → risk
rules again → sign exactly the ticket's bytes → submit → audit and record.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from solders.message import from_bytes_versioned, to_bytes_versioned
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.transaction import VersionedTransaction

from quantdesk.audit import AuditLog
from quantdesk.errors import QuantDeskError, VenueError
from quantdesk.exchange._builder import OrderParams, PerpInstructions, build_message
from quantdesk.exchange._markets import MarketSpec, market_by_symbol
from quantdesk.exchange._txcheck import TransactionRejected
from quantdesk.exchange._venue import Venue, VenueResult
from quantdesk.exchange._views import usd, whole
from quantdesk.exchange.engine import State
from quantdesk.exchange.engine._oracle import normalize_price
from quantdesk.market import TRADABLE, FeedRegistry, PriceReader
from quantdesk.risk import OrderRisk, RiskLimits, RiskReport, evaluate
from quantdesk.tickets import (
    DEFAULT_TTL,
    Approval,
    ExecutionReport,
    OrderTicket,
    SimulatedOutcome,
    TicketStore,
    message_hash,
)
from quantdesk.trading._requests import (
    DEFAULT_SLIPPAGE_BPS,
    OrderRequest,
    TradeRequestError,
    base_units,
    leverage_value,
    price_units,
    size_for_notional,
    slippage_bound,
)
from quantdesk.trading._wallets import UserWallets
from quantdesk.wallet import Signer

_KIND = {"market": "Market", "limit": "Limit", "stop_loss": "StopLoss", "take_profit": "TakeProfit"}


class ProgramRejected(VenueError):
    """The simulation says the program would refuse the transaction."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


class TradingService:
    def __init__(self, venue: Venue, prices: PriceReader, registry: FeedRegistry, ixs: PerpInstructions,
                 tickets: TicketStore, audit: AuditLog, wallets: UserWallets, *,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 limits: Callable[[str], RiskLimits] = lambda _user: RiskLimits(),
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
        self._onboard = onboard

    # --- reads ---------------------------------------------------------------
    async def trader(self, user_id: str) -> Pubkey:
        """The trader's public key (their wallet is created and onboarded on first use on paper)."""
        signer, created = self._wallets.signer_for(user_id)
        if created and self._onboard is not None:
            await self._onboard(signer)
        return signer.pubkey

    async def state(self) -> State:
        return await self._venue.read_state()

    def oracle_price(self, spec: MarketSpec) -> tuple[int, Any]:
        """The market's ``ok`` price in engine units (10^-6 USD) and the gated price; raises when not ok."""
        gated = self._prices.get(spec.feed_symbol, accept=TRADABLE)
        return normalize_price(gated.update.price, gated.update.expo), gated

    # --- prepare -------------------------------------------------------------
    async def prepare_order(self, user_id: str, thread_id: str, request: OrderRequest,
                            params: dict[str, Any]) -> OrderTicket:
        spec = _market(request.market)
        owner = await self.trader(user_id)
        oracle, _gated = self.oracle_price(spec)
        state = await self._venue.read_state()
        user = next((u for u in state.users if u.owner == bytes(owner)), None)
        if user is None:
            raise TradeRequestError(f"{owner} has no trading account on this venue; deposit collateral first")
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
            price = price_units(request.price)
        else:
            assert request.price is not None
            trigger = price_units(request.price)
        reduce_only = request.reduce_only or request.order_type in ("stop_loss", "take_profit")
        order = OrderParams(_KIND[request.order_type], "Buy" if buy else "Sell", size, price, trigger, reduce_only,
                            secrets.randbits(63), leverage)
        price_account = Pubkey.from_string(self._registry.get(spec.feed_symbol).price_account or "")
        ix = self._ixs.place_order(owner, owner, spec.index, user.next_order_id, price_account, order)
        message = build_message(owner, [ix], (await self._venue.latest_blockhash()).blockhash)
        message_bytes = to_bytes_versioned(message)
        result = await self._simulate(message_bytes)
        reduces = position is not None and (position.base > 0) != buy
        base_outcome = _outcome(spec, result, size)
        outcome = base_outcome.model_copy(update={"detail": {**base_outcome.detail, "leverage": leverage,
                                                             "reduces": reduces}})
        report = self._risk(user_id, spec, oracle, outcome, leverage, reduces, price if price else None)
        report.raise_if_failed()
        now = self._clock()
        words = {"market": "at market", "limit": f"limit {usd(price)}", "stop_loss": f"stop-loss at {usd(trigger)}",
                 "take_profit": f"take-profit at {usd(trigger)}"}[request.order_type]
        size_text = f"{Decimal(size).scaleb(-spec.base_decimals).normalize():f}"
        summary = (f"{'Long' if buy else 'Short'} {size_text} {spec.symbol} {words}, {leverage}x"
                   + (", reduce-only" if reduce_only else ""))
        ticket = OrderTicket(
            ticket_hash=message_hash(message_bytes), user_id=user_id, thread_id=thread_id, kind="order",
            tool="prepare_order", params=params, market=spec.symbol, summary=summary,
            price_bound=usd(price) if price else None, outcome=outcome,
            risk=[{"rule": r.rule, "passed": r.passed, "limit": r.limit, "value": r.value} for r in report.results],
            message_b64=base64.b64encode(message_bytes).decode(), created_at=now, expires_at=now + DEFAULT_TTL)
        self._tickets.save(ticket)
        self._audit.append("ticket", user_id=user_id, thread_id=thread_id, ticket_hash=ticket.ticket_hash,
                           detail={"summary": summary, "client_order_id": order.client_order_id})
        return ticket

    async def _simulate(self, message_bytes: bytes) -> VenueResult:
        message = from_bytes_versioned(message_bytes)
        unsigned = VersionedTransaction.populate(message, [Signature.default()])
        result = await self._venue.simulate(bytes(unsigned), sig_verify=False)
        if not result.ok:
            raise ProgramRejected(result.error_name or "error", f"the program would refuse this order: "
                                                                f"{result.error_message}")
        return result

    def _risk(self, user_id: str, spec: MarketSpec, oracle: int, outcome: SimulatedOutcome, leverage: int,
              reduces: bool, bound: int | None) -> RiskReport:
        gated = self._prices.get(spec.feed_symbol, accept=frozenset(TRADABLE))
        position_after = outcome.detail.get("position_base_after", 0)
        return evaluate(self._limits(user_id), OrderRisk(
            market=spec.symbol, market_max_leverage=Decimal(spec.max_leverage), reduces_exposure=reduces,
            order_notional_usd=outcome.notional_usd or Decimal(0),
            position_notional_after_usd=abs(Decimal(position_after).scaleb(-spec.base_decimals)) * usd(oracle),
            leverage=Decimal(leverage), oracle_price=usd(oracle), oracle_quality=gated.quality.value,
            oracle_quality_detail=gated.reason, worst_fill_price=usd(bound) if bound else None,
            liquidation_price_after=outcome.liquidation_price, daily_pnl_usd=Decimal(0)))

    # --- execute (TicketExecutor) --------------------------------------------
    async def execute(self, approval: Approval) -> ExecutionReport:
        ticket = self._tickets.claim(approval)  # raises ApprovalError: wrong hash/user, expired, already used
        try:
            return await self._execute(ticket)
        except QuantDeskError as exc:
            self._tickets.finish(ticket.ticket_hash, ok=False, signature=None, result={"error": str(exc)})
            self._audit.append("error", user_id=ticket.user_id, thread_id=ticket.thread_id,
                               ticket_hash=ticket.ticket_hash, detail={"error": str(exc)})
            return ExecutionReport(False, ticket.ticket_hash, f"Not executed: {exc}. Nothing was sent.")

    async def _execute(self, ticket: OrderTicket) -> ExecutionReport:
        message_bytes = ticket.message_bytes
        if message_hash(message_bytes) != ticket.ticket_hash:
            raise VenueError("ticket bytes do not match its hash")  # defence in depth; OrderTicket checks too
        spec = _market(ticket.market or "")
        oracle, _ = self.oracle_price(spec)  # refuses a stale or wide price at execution too
        result = await self._simulate(message_bytes)  # SlippageExceeded here = price moved past the bound
        outcome = _outcome(spec, result, None)
        leverage = int(ticket.outcome.detail["leverage"])
        reduces = bool(ticket.outcome.detail["reduces"])
        bound = ticket.price_bound
        self._risk(ticket.user_id, spec, oracle, outcome, leverage, reduces,
                   price_units(bound) if bound else None).raise_if_failed()
        signer, _ = self._wallets.signer_for(ticket.user_id)
        message = from_bytes_versioned(message_bytes)
        if message.account_keys[0] != signer.pubkey:
            raise VenueError("the ticket's fee payer is not this trader's wallet; nothing was signed")
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
        return ExecutionReport(True, ticket.ticket_hash, _describe_fill(spec, landed, ticket), signature, data)


def _market(symbol: str) -> MarketSpec:
    try:
        return market_by_symbol(symbol)
    except KeyError:
        raise TradeRequestError(f"unknown market {symbol!r}; markets are SOL-PERP, BTC-PERP, ETH-PERP") from None


def _outcome(spec: MarketSpec, result: VenueResult, size: int | None) -> SimulatedOutcome:
    fill = next((e for e in result.events if e["type"] == "OrderFilled"), None)
    placed = next((e for e in result.events if e["type"] == "OrderPlaced"), None)
    if fill is None:
        return SimulatedOutcome(size=None if size is None else whole(size, spec.base_decimals),
                                detail={"resting": True, "reserved_usd": str(usd(placed["reserved"])) if placed else "0"})
    notional = Decimal(fill["size"] * fill["price"]).scaleb(-spec.base_decimals - 6)
    liq = fill["liquidation_price"]
    return SimulatedOutcome(
        fill_price=usd(fill["price"]), size=whole(fill["size"], spec.base_decimals), notional_usd=notional,
        fee_usd=usd(fill["fee"]), margin_after_usd=usd(fill["position_margin"]),
        liquidation_price=usd(liq) if liq > 0 else None,
        detail={"position_base_after": fill["position_base"], "realized_pnl_usd": str(usd(fill["realized_pnl"]))})


def _describe_fill(spec: MarketSpec, result: VenueResult, ticket: OrderTicket) -> str:
    fill = next((e for e in result.events if e["type"] == "OrderFilled"), None)
    if fill is None:
        return f"Placed: {ticket.summary} (resting). Transaction {result.signature[:16]}…"
    size = Decimal(fill["size"]).scaleb(-spec.base_decimals).normalize()
    base_after = Decimal(fill["position_base"]).scaleb(-spec.base_decimals).normalize()
    liq = fill["liquidation_price"]
    return (f"Filled: {'bought' if fill['side'] == 'buy' else 'sold'} {size:f} {spec.symbol} at {usd(fill['price'])}, "
            f"fee ${usd(fill['fee'])}. Position now {base_after:f} with margin ${usd(fill['position_margin'])}"
            + (f", liquidation price {usd(liq)}" if liq > 0 else "") + f". Transaction {result.signature[:16]}…")

