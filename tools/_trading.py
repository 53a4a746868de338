"""Account and trading tools: thin over quantdesk.trading (validate, call, format).
Trading tools only *prepare*: they return a ticket; nothing is signed here."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from quantdesk.errors import MarketDataError
from quantdesk.exchange._markets import MARKETS
from quantdesk.exchange._views import AccountView, account_view
from quantdesk.exchange.engine._oracle import normalize_price
from quantdesk.market import ANY_QUALITY, PriceReader
from quantdesk.trading import OrderRequest, TradingService
from tools._toolbox import Handler, ToolContext, ToolOutcome
from tools.schemas import NoArgs, OptionalMarketArgs, OrderArgs


def _money(value: Decimal | None) -> str:
    return "—" if value is None else f"${value:,.2f}"


def _marks(prices: PriceReader) -> dict[int, int]:
    marks = {}
    for spec in MARKETS:
        try:
            gated = prices.get(spec.feed_symbol, accept=ANY_QUALITY)
        except MarketDataError:  # no price yet: that market's mark stays blank
            continue
        marks[spec.index] = normalize_price(gated.update.price, gated.update.expo)
    return marks


async def _view(trading: TradingService, prices: PriceReader, ctx: ToolContext) -> AccountView | None:
    owner = await trading.trader(ctx.user_id)
    return account_view(await trading.state(), bytes(owner), _marks(prices))


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
        data: dict[str, Any] = {"positions": [{k: str(v) for k, v in vars(p).items()} for p in positions]}
        return ToolOutcome("\n".join(lines), data)

    return handle


def get_account(trading: TradingService, prices: PriceReader) -> Handler:
    async def handle(_args: NoArgs, ctx: ToolContext) -> ToolOutcome:
        view = await _view(trading, prices, ctx)
        if view is None:
            return ToolOutcome("No trading account yet.", {"account": None})
        text = (f"Free collateral {_money(view.collateral)}, margin locked {_money(view.margin_locked)}, "
                f"equity {_money(view.equity)}, unrealized PnL {_money(view.unrealized_pnl)}, "
                f"{len(view.positions)} position(s), {len(view.orders)} open order(s).")
        return ToolOutcome(text, {"account": {"owner": view.owner, "collateral": str(view.collateral),
                                              "margin_locked": str(view.margin_locked),
                                              "equity": str(view.equity)}})

    return handle


def prepare_order(trading: TradingService) -> Handler:
    async def handle(args: OrderArgs, ctx: ToolContext) -> ToolOutcome:
        request = OrderRequest(market=args.market, side=args.side, order_type=args.order_type, size=args.size,
                               notional_usd=args.notional_usd, leverage=args.leverage, price=args.price,
                               reduce_only=args.reduce_only, whole_position=args.whole_position,
                               slippage_bps=args.slippage_bps)
        ticket = await trading.prepare_order(ctx.user_id, ctx.thread_id, request, args.model_dump(mode="json"))
        o = ticket.outcome
        text = (f"Ticket {ticket.short_hash}: {ticket.summary}. Expected fill {o.fill_price}, fee {_money(o.fee_usd)}, "
                f"margin {_money(o.margin_after_usd)}, liquidation price {o.liquidation_price}. "
                f"Approve or reject it; it expires in 60 s.")
        return ToolOutcome(text, {"ticket": ticket.model_dump(mode="json")}, ticket=ticket)

    return handle
