"""Reading simulation results into ticket outcomes and fill descriptions."""

from __future__ import annotations

from decimal import Decimal

from quantdesk import display as show
from quantdesk.exchange._markets import MarketSpec, market_by_symbol
from quantdesk.exchange._venue import VenueResult
from quantdesk.exchange._views import usd, whole
from quantdesk.tickets import OrderTicket, SimulatedOutcome
from quantdesk.trading._requests import TradeRequestError


def market_spec(symbol: str) -> MarketSpec:
    try:
        return market_by_symbol(symbol)
    except KeyError:
        raise TradeRequestError(f"unknown market {symbol!r}; markets are SOL-PERP, BTC-PERP, ETH-PERP") from None


def order_outcome(spec: MarketSpec, result: VenueResult, size: int | None) -> SimulatedOutcome:
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


def describe_fill(spec: MarketSpec, result: VenueResult, ticket: OrderTicket) -> str:
    fill = next((e for e in result.events if e["type"] == "OrderFilled"), None)
    if fill is None:
        return f"Placed: {ticket.summary} (resting). Transaction {result.signature[:16]}…"
    size = Decimal(fill["size"]).scaleb(-spec.base_decimals).normalize()
    base_after = Decimal(fill["position_base"]).scaleb(-spec.base_decimals).normalize()
    liq = fill["liquidation_price"]
    # A fill that reduces or closes realizes PnL on the reduced part: the trader's result of the trade.
    pnl = "" if ticket.outcome.detail.get("effect", "opens") in ("opens", "adds") else (
        f", realized PnL {show.signed_money(usd(fill['realized_pnl']))}")
    return (f"Filled: {'bought' if fill['side'] == 'buy' else 'sold'} {size:f} {spec.symbol} at "
            f"{show.price(spec, usd(fill['price']))}, fee {show.money(usd(fill['fee']))}{pnl}. Position now "
            f"{base_after:f} with margin {show.money(usd(fill['position_margin']))}"
            + (f", liquidation price {show.price(spec, usd(liq))}" if liq > 0 else "")
            + f". Transaction {result.signature[:16]}…")

