"""Read models for people: a trader's account, positions and resting orders in
USD and whole units (Decimal), computed from the engine state with the engine's
own formulas (entry price, uPnL, margin ratio, liquidation price). Display only:
money never flows through these values."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from solders.pubkey import Pubkey

from quantdesk.engine import (
    State,
    base_unit,
    equity,
    liquidation_price,
    pending_funding,
    requirement,
    value,
)
from quantdesk.units import plain, usd

# Engine money and prices are 1e-6 USD; the conversions are quantdesk.units', named here as
# the exchange's importers know them. whole: base units without trailing zeros (2000000000 at 9 -> 2).
whole = plain


@dataclass(frozen=True)
class PositionView:
    market: str
    market_index: int
    side: str
    size: Decimal  # whole base units
    entry_price: Decimal
    mark_price: Decimal | None
    unrealized_pnl: Decimal | None
    margin: Decimal
    pending_funding: Decimal
    maintenance_required: Decimal | None
    liquidation_price: Decimal | None
    leverage: Decimal | None


@dataclass(frozen=True)
class OrderView:
    order_id: int
    market: str
    kind: str
    side: str
    size: Decimal
    price: Decimal | None
    trigger_price: Decimal | None
    reduce_only: bool
    client_order_id: int
    reserved: Decimal


@dataclass(frozen=True)
class AccountView:
    owner: str
    collateral: Decimal  # free collateral
    margin_locked: Decimal
    reserved: Decimal
    equity: Decimal | None  # free + Σ position equity at mark
    unrealized_pnl: Decimal | None
    positions: tuple[PositionView, ...]
    orders: tuple[OrderView, ...]
    margin_ratio_pct: Decimal | None = None  # maintenance requirement ÷ equity; 100 % = liquidation
    leverage: Decimal | None = None  # position notional ÷ equity


def account_view(state: State, owner: bytes, marks: dict[int, int]) -> AccountView | None:
    """The trader's account; ``marks`` are oracle prices (engine units) by market index."""
    user = next((u for u in state.users if u.owner == owner), None)
    if user is None:
        return None
    positions = []
    total_upnl: int | None = 0
    total_equity: int | None = user.collateral
    for p in user.positions:
        market = state.markets[p.market_index]
        params, unit = market.params, base_unit(market.params)
        pending = pending_funding(p, market)
        mark = marks.get(p.market_index)
        upnl = None if mark is None else value(p.base, mark, unit) - p.quote_entry
        eq = None if mark is None else equity(p, mark, pending, unit)
        total_upnl = None if total_upnl is None or upnl is None else total_upnl + upnl
        total_equity = None if total_equity is None or eq is None else total_equity + eq
        liq = liquidation_price(p, params, pending)
        notional = None if mark is None else abs(value(p.base, mark, unit))
        positions.append(PositionView(
            market=params.symbol, market_index=p.market_index, side="long" if p.base > 0 else "short",
            size=whole(abs(p.base), params.base_decimals),
            # Cost basis ÷ size, rounded (half even) to a program price unit, then read in dollars.
            entry_price=usd(int((Decimal(p.quote_entry) * unit / Decimal(p.base)).quantize(Decimal(1)))),
            mark_price=None if mark is None else usd(mark), unrealized_pnl=None if upnl is None else usd(upnl),
            margin=usd(p.margin), pending_funding=usd(pending),
            maintenance_required=None if mark is None else usd(
                requirement(value(p.base, mark, unit), params.maintenance_margin_ppm)),
            liquidation_price=usd(liq) if liq > 0 else None,
            leverage=None if notional is None or eq is None or eq <= 0 else (Decimal(notional) / eq).quantize(
                Decimal("0.01"))))
    orders = tuple(
        OrderView(order_id=o.id, market=state.markets[o.market_index].params.symbol, kind=o.kind.value,
                  side=o.side.value, size=whole(o.size, state.markets[o.market_index].params.base_decimals),
                  price=usd(o.price) if o.price else None,
                  trigger_price=usd(o.trigger_price) if o.trigger_price else None,
                  reduce_only=o.reduce_only, client_order_id=o.client_order_id, reserved=usd(o.reserved))
        for o in state.orders if o.owner == owner)
    equity_units = None if total_equity is None else total_equity + sum(
        o.reserved for o in state.orders if o.owner == owner)
    maintenance = [p.maintenance_required for p in positions]
    notional_total = [abs(p.size * p.mark_price) if p.mark_price is not None else None for p in positions]
    ratio = leverage = None
    if equity_units is not None and equity_units > 0 and None not in maintenance and None not in notional_total:
        equity_usd = usd(equity_units)
        # Both lists hold no None here (checked above); the filters only tell the type checker.
        ratio = (sum((m for m in maintenance if m is not None), Decimal(0)) / equity_usd * 100).quantize(
            Decimal("0.01"))
        leverage = (sum((n for n in notional_total if n is not None), Decimal(0)) / equity_usd).quantize(
            Decimal("0.01"))
    return AccountView(
        margin_ratio_pct=ratio, leverage=leverage,
        owner=str(Pubkey(owner)), collateral=usd(user.collateral),
        margin_locked=usd(sum(p.margin for p in user.positions)),
        reserved=usd(sum(o.reserved for o in state.orders if o.owner == owner)),
        equity=None if total_equity is None else usd(total_equity + sum(o.reserved for o in state.orders
                                                                         if o.owner == owner)),
        unrealized_pnl=None if total_upnl is None else usd(total_upnl), positions=tuple(positions), orders=orders)
