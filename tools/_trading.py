"""Account and trading tools: thin over quantdesk.trading (validate, call, format).
Trading tools only *prepare*: they return a ticket; nothing is signed here."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from solders.pubkey import Pubkey

from quantdesk.exchange import AccountView
from quantdesk.exchange.paper import History
from quantdesk.market import PriceReader
from quantdesk.tickets import OrderTicket, SimulatedOutcome
from quantdesk.trading import OrderRequest, TradingService
from tools._toolbox import Handler, ToolContext, ToolOutcome, by_tool, tool_handler
from tools.schemas import (
    CancelArgs,
    CloseArgs,
    HistoryArgs,
    MarketArgs,
    NoArgs,
    OptionalMarketArgs,
    OrderArgs,
    OrdersArgs,
    WithdrawArgs,
)


def _text(value: object) -> str | int | bool | None:
    """A value for interfaces: Decimals as exact text, flags and ids as they are, a missing one missing."""
    return value if value is None or isinstance(value, bool | int) else str(value)


def _money(value: Decimal | None) -> str:
    return "—" if value is None else f"${value:,.2f}"


async def _view(trading: TradingService, prices: PriceReader, ctx: ToolContext) -> AccountView | None:
    return await trading.account_view(ctx.user_id, prices)


@tool_handler
def get_positions(trading: TradingService, prices: PriceReader) -> Handler:
    async def handle(args: OptionalMarketArgs, ctx: ToolContext) -> ToolOutcome:
        view = await _view(trading, prices, ctx)
        positions = [] if view is None else [p for p in view.positions if args.market in (None, p.market)]
        if not positions:
            return ToolOutcome("No open positions" + (f" on {args.market}." if args.market else "."),
                               {"positions": []})
        lines = [f"{p.market} {p.side} {p.size} @ {p.entry_price} (mark {p.mark_price}), uPnL "
                 f"{_money(p.unrealized_pnl)}, margin {_money(p.margin)}, liquidation price "
                 f"{p.liquidation_price if p.liquidation_price is not None else 'none'}" for p in positions]
        data: dict[str, Any] = {"positions": [{k: _text(v) for k, v in vars(p).items()} for p in positions]}
        return ToolOutcome("\n".join(lines), data)

    return handle


@tool_handler
def get_account(trading: TradingService, prices: PriceReader) -> Handler:
    async def handle(_args: NoArgs, ctx: ToolContext) -> ToolOutcome:
        view = await _view(trading, prices, ctx)
        if view is None:
            return ToolOutcome("No trading account yet.", {"account": None})
        ratio = "—" if view.margin_ratio_pct is None else f"{view.margin_ratio_pct:.2f}%"
        leverage = "—" if view.leverage is None else f"{view.leverage:.2f}x"
        text = (f"Collateral (equity) {_money(view.equity)}: free {_money(view.collateral)}, margin locked "
                f"{_money(view.margin_locked)}, unrealized PnL {_money(view.unrealized_pnl)}; margin ratio {ratio} "
                f"(maintenance ÷ equity), leverage {leverage}; {len(view.positions)} position(s), "
                f"{len(view.orders)} open order(s).")
        return ToolOutcome(text, {"account": {
            "owner": view.owner, "equity": _text(view.equity), "free_collateral": _text(view.collateral),
            "margin_locked": _text(view.margin_locked), "margin_ratio_pct": _text(view.margin_ratio_pct),
            "leverage": _text(view.leverage)}})

    return handle


def _request(args: OrderArgs) -> OrderRequest:
    return OrderRequest(market=args.market, side=args.side, order_type=args.order_type, size=args.size,
                        notional_usd=args.notional_usd, leverage=args.leverage, price=args.price,
                        reduce_only=args.reduce_only, whole_position=args.whole_position,
                        slippage_bps=args.slippage_bps)


def _if_it_fills(o: SimulatedOutcome) -> str:
    """A resting order's figures, said as what they are: the fill it would get, not one that happened."""
    d = o.detail
    text = f"it would rest on the book until its price is reached, reserving {_money(Decimal(d['reserved_usd']))}"
    if "distance_from_mark_pct" in d:
        distance = Decimal(d["distance_from_mark_pct"])
        text += (f"; your {d['fills_at']} {d['resting_price']} is {abs(distance)}% "
                 f"{'above' if distance > 0 else 'below'} the oracle {d['oracle_price']}")
        if d.get("far_from_mark"):
            text += (f" (warning: more than {d['far_from_mark_threshold_pct']}% from the market, so it may not fill "
                     "for a long time; check the price)")
    verb = "fills" if d.get("maker") else "triggers"
    return (text + f". If it {verb} at your {d['fills_at']}: fill {o.fill_price} "
            f"({'maker' if d.get('maker') else 'taker'}), notional {_money(o.notional_usd)}, fee {_money(o.fee_usd)}, "
            f"margin {_money(o.margin_after_usd)}, liquidation price {o.liquidation_price or 'none'}")


def _expected(o: SimulatedOutcome) -> str:
    if o.detail.get("hypothetical"):
        return _if_it_fills(o)
    if o.fill_price is None:
        return "it would rest on the book until its price is reached"
    impact = o.detail.get("price_impact_bps")
    return (f"expected fill {o.fill_price}" + (f" (oracle {o.detail['oracle_price']}, price impact {impact} bps)"
                                               if impact is not None else "")
            + f", notional {_money(o.notional_usd)}, fee {_money(o.fee_usd)}, "
            f"margin {_money(o.margin_after_usd)}, liquidation price {o.liquidation_price or 'none'}")


def _ticket_outcome(ticket: OrderTicket) -> ToolOutcome:
    text = f"Ticket {ticket.short_hash}: {ticket.summary}. "
    if ticket.kind in ("order", "close"):
        expected = _expected(ticket.outcome)
        text += expected[:1].upper() + expected[1:] + ". "  # not capitalize(): it lowercases "If it fills"
    text += "Approve or reject it; it expires in 60 s."
    return ToolOutcome(text, ticket=ticket)


@tool_handler
def prepare_order(trading: TradingService) -> Handler:
    async def handle(args: OrderArgs, ctx: ToolContext) -> ToolOutcome:
        ticket = await trading.prepare_order(ctx.user_id, ctx.thread_id, _request(args), args.model_dump(mode="json"))
        return _ticket_outcome(ticket)

    return handle


@tool_handler
def get_quote(trading: TradingService) -> Handler:
    async def handle(args: OrderArgs, ctx: ToolContext) -> ToolOutcome:
        plan = await trading.plan_order(ctx.user_id, _request(args))
        verdict = "passes the risk checks" if plan.report.passed else "would be rejected: " + "; ".join(
            r.message for r in plan.report.failures)
        return ToolOutcome(f"Quote for {plan.summary}: {_expected(plan.outcome)}; it {verdict}. (No order placed.)",
                           {"quote": plan.outcome.model_dump(mode="json"), "risk_passed": plan.report.passed})

    return handle


@tool_handler
def risk_check(trading: TradingService) -> Handler:
    async def handle(args: OrderArgs, ctx: ToolContext) -> ToolOutcome:
        plan = await trading.plan_order(ctx.user_id, _request(args))
        lines = [r.message for r in plan.report.results]
        head = "All pre-trade checks pass" if plan.report.passed else "Some pre-trade checks fail"
        return ToolOutcome(f"{head} for {plan.summary}:\n" + "\n".join(lines),
                           {"passed": plan.report.passed, "rules": [vars(r) for r in plan.report.results]})

    return handle


@tool_handler
def prepare_close(trading: TradingService) -> Handler:
    async def handle(args: CloseArgs, ctx: ToolContext) -> ToolOutcome:
        return _ticket_outcome(await trading.prepare_close(ctx.user_id, ctx.thread_id, args.market, args.fraction,
                                                           args.size, args.model_dump(mode="json")))

    return handle


@tool_handler
def prepare_cancel(trading: TradingService) -> Handler:
    async def handle(args: CancelArgs, ctx: ToolContext) -> ToolOutcome:
        return _ticket_outcome(await trading.prepare_cancel(ctx.user_id, ctx.thread_id, args.order_id, args.market,
                                                            args.all, args.model_dump(mode="json")))

    return handle


@tool_handler
def prepare_withdraw(trading: TradingService) -> Handler:
    async def handle(args: WithdrawArgs, ctx: ToolContext) -> ToolOutcome:
        return _ticket_outcome(await trading.prepare_withdraw(ctx.user_id, ctx.thread_id, args.amount_usd,
                                                              args.destination, args.model_dump(mode="json")))

    return handle


@tool_handler
def get_orders(trading: TradingService, prices: PriceReader) -> Handler:
    async def handle(args: OrdersArgs, ctx: ToolContext) -> ToolOutcome:
        view = await _view(trading, prices, ctx)
        orders = [] if view is None else [o for o in view.orders if args.market in (None, o.market)]
        if args.status not in ("open", "all"):
            return ToolOutcome(f"Only open orders are kept on the exchange; {args.status} orders are in your "
                               "history (say `history`).", {"orders": []})
        if not orders:
            return ToolOutcome("No open orders.", {"orders": []})
        lines = [f"#{o.order_id} {o.market} {o.kind} {o.side} {o.size}"
                 + (f" @ {o.price}" if o.price else "") + (f" trigger {o.trigger_price}" if o.trigger_price else "")
                 + (" reduce-only" if o.reduce_only else "") for o in orders]
        return ToolOutcome("\n".join(lines), {"orders": [{k: _text(v) for k, v in vars(o).items()} for o in orders]})

    return handle


def trading_handlers(trading: TradingService, prices: PriceReader,
                     history: Callable[[Pubkey, str, datetime], History] | None = None) -> dict[str, Handler]:
    """Every account and trading tool, for the toolbox."""
    return by_tool(get_funding(trading), get_history(trading, history), get_positions(trading, prices),
                   get_account(trading, prices), get_orders(trading, prices), get_quote(trading), risk_check(trading),
                   prepare_order(trading), prepare_close(trading), prepare_cancel(trading), prepare_withdraw(trading))


@tool_handler
def get_funding(trading: TradingService) -> Handler:
    async def handle(args: MarketArgs, ctx: ToolContext) -> ToolOutcome:
        f = await trading.funding(args.market, ctx.now)
        text = (f"{args.market} funding: last settled rate {f.last_rate_pct:f}% per {f.interval_s // 60} min; at the "
                f"current open-interest imbalance the next is {f.next_rate_pct:f}% ({f.payer}), due in "
                f"{f.due_in_s // 60} min {f.due_in_s % 60} s.")
        return ToolOutcome(text, {"market": args.market, "last_rate_pct": str(f.last_rate_pct),
                                  "next_rate_pct": str(f.next_rate_pct), "interval_s": f.interval_s,
                                  "due_in_s": f.due_in_s})

    return handle


@tool_handler
def get_history(trading: TradingService, history: Callable[[Pubkey, str, datetime], History] | None) -> Handler:
    async def handle(args: HistoryArgs, ctx: ToolContext) -> ToolOutcome:
        if history is None:
            return ToolOutcome("History is recorded on the paper venue only for now.", {"history": None})
        owner = await trading.trader(ctx.user_id)
        h = await asyncio.to_thread(history, owner, args.period, ctx.now)
        text = (f"Last {args.period}: {h.fills} fill(s), realized PnL {_money(h.realized_pnl)}, fees "
                f"{_money(h.fees)}, funding {'paid' if h.funding_paid >= 0 else 'received'} "
                f"{_money(abs(h.funding_paid))}, {h.liquidations} liquidation(s).")
        summary = {k: str(v) for k, v in vars(h).items() if k != "recent_fills"}
        return ToolOutcome(text, {"history": summary, "fills": list(h.recent_fills)})

    return handle
