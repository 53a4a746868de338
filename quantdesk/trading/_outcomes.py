"""Reading simulation results into ticket outcomes, the risk rules' view of them, and fill descriptions.

An order that fills now is read from the simulation's ``OrderFilled`` event. One
that rests has no fill in the simulation; its outcome carries the fill the keeper
would make (quantdesk.trading._hypothetical), in the same fields, marked
``detail["hypothetical"]`` so no surface shows it as a fill that happened.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from quantdesk import display as show
from quantdesk.engine import State, normalize_price
from quantdesk.exchange import MarketSpec, VenueResult, market_by_symbol, whole
from quantdesk.markets import MARKET_TABLE
from quantdesk.risk import OrderRisk
from quantdesk.tickets import OrderTicket, SimulatedOutcome
from quantdesk.trading._hypothetical import resting_fill
from quantdesk.trading._requests import TradeRequestError, base_name
from quantdesk.units import notional_usd, usd

# A resting order's price this far from the oracle (either way) gets a warning: it may never fill,
# or it is a typo (a limit of 14 for 140).
FAR_FROM_MARK_PCT = Decimal(10)


def market_spec(symbol: str) -> MarketSpec:
    try:
        return market_by_symbol(symbol)
    except KeyError:
        raise TradeRequestError(f"unknown market {symbol!r}; markets are {', '.join(MARKET_TABLE.symbols)}") from None


def _event(result: VenueResult, kind: str) -> dict[str, Any] | None:
    return next((e for e in result.events if e["type"] == kind), None)


def _from_fill(spec: MarketSpec, fill: dict[str, Any], detail: dict[str, Any]) -> SimulatedOutcome:
    notional = notional_usd(fill["size"], spec.base_decimals, fill["price"])
    liq = fill["liquidation_price"]
    return SimulatedOutcome(
        fill_price=usd(fill["price"]), size=whole(fill["size"], spec.base_decimals), notional_usd=notional,
        fee_usd=usd(fill["fee"]), margin_after_usd=usd(fill["position_margin"]),
        liquidation_price=usd(liq) if liq > 0 else None,
        detail={"position_base_after": fill["position_base"], "realized_pnl_usd": str(usd(fill["realized_pnl"])),
                **detail})


def order_outcome(spec: MarketSpec, result: VenueResult, state: State, oracle: int | None = None,
                  **extra: Any) -> SimulatedOutcome:
    """What the simulated transaction does; for an order that rests, what its fill would do.

    ``state`` is the exchange the simulation ran on (before the transaction): the keeper's
    fill of a resting order is replayed on it. With ``oracle`` (the price the order was built
    on) the detail also gets a fill's price impact, or a resting order's distance from the
    oracle (the mark) with ``far_from_mark`` beyond :data:`FAR_FROM_MARK_PCT`; ``extra`` goes
    into the detail as given.
    """
    fill = _event(result, "OrderFilled")
    if fill is not None:
        outcome = _from_fill(spec, fill, extra)
    else:
        placed = _event(result, "OrderPlaced")
        if placed is None:
            raise ValueError("the simulation neither filled nor placed an order")
        limit = placed["kind"] == "limit"
        outcome = _from_fill(spec, resting_fill(state, placed), {
            **extra, "resting": True, "hypothetical": True, "fills_at": "limit price" if limit else "trigger price",
            "resting_price": str(usd(placed["price"] if limit else placed["trigger_price"])),
            "maker": limit, "reserved_usd": str(usd(placed["reserved"]))})
    return outcome if oracle is None else _with_mark(outcome, oracle)


def _with_mark(outcome: SimulatedOutcome, oracle: int) -> SimulatedOutcome:
    mark = usd(oracle)
    detail: dict[str, Any] = {**outcome.detail, "oracle_price": str(mark)}
    if outcome.detail.get("hypothetical"):
        distance = ((Decimal(outcome.detail["resting_price"]) - mark) / mark * 100).quantize(Decimal("0.01"))
        detail.update(price_impact_bps=None, distance_from_mark_pct=str(distance),
                      far_from_mark=abs(distance) > FAR_FROM_MARK_PCT,
                      far_from_mark_threshold_pct=str(FAR_FROM_MARK_PCT))
    else:
        assert outcome.fill_price is not None
        detail["price_impact_bps"] = str(((outcome.fill_price - mark) / mark * 10_000).quantize(Decimal("0.1")))
    return outcome.model_copy(update={"detail": detail})


def order_summary(spec: MarketSpec, order_type: str, buy: bool, size: int, asked: int, position: Any, price: int,
                  leverage: int, reduce_only: bool, outcome: SimulatedOutcome) -> str:
    """The ticket's one line: side, size, market, price, leverage; a capped size; and for a resting
    order, that its figures are for a fill that has not happened (and a warning when far from the mark)."""
    words = {"market": "at market", "limit": f"limit {usd(price)}", "stop_loss": f"stop-loss at {usd(price)}",
             "take_profit": f"take-profit at {usd(price)}"}[order_type]
    summary = (f"{'Long' if buy else 'Short'} {whole(size, spec.base_decimals)} {spec.symbol} {words}, {leverage}x"
               + (", reduce-only" if reduce_only else ""))
    if size != asked:
        summary += (f" (asked {whole(asked, spec.base_decimals)}; capped by your "
                    f"{whole(abs(position.base), spec.base_decimals)} {base_name(spec)} "
                    f"{'long' if position.base > 0 else 'short'})")
    if outcome.detail.get("hypothetical"):
        verb = "fills" if outcome.detail.get("maker") else "triggers"
        summary += (f" (rests until the price reaches it; fill, fee, margin and liquidation shown are if it {verb} "
                    f"at your {outcome.detail['fills_at']})")
        if outcome.detail.get("far_from_mark"):
            summary += (f"; far from the market: {abs(Decimal(outcome.detail['distance_from_mark_pct']))}% from "
                        f"the oracle, more than {outcome.detail['far_from_mark_threshold_pct']}%")
    return summary


def order_risk(spec: MarketSpec, outcome: SimulatedOutcome, gated: Any, bound: int | None,
               daily_pnl: Decimal) -> OrderRisk:
    """What the risk rules measure of an order's outcome (its detail has ``leverage``, ``reduces`` and
    ``buys``), on the gated price it was built with. A resting order is measured on its would-be
    fill: notional, position after and liquidation distance at its fill price."""
    oracle = usd(normalize_price(gated.update.price, gated.update.expo))
    resting = bool(outcome.detail.get("hypothetical"))
    at = outcome.fill_price if resting and outcome.fill_price is not None else oracle
    base_after = spec.size(int(outcome.detail.get("position_base_after", 0)))
    return OrderRisk(
        market=spec.symbol, market_max_leverage=Decimal(spec.max_leverage),
        reduces_exposure=bool(outcome.detail["reduces"]),
        order_notional_usd=outcome.notional_usd or Decimal(0), position_notional_after_usd=abs(base_after) * at,
        leverage=Decimal(outcome.detail["leverage"]), oracle_price=oracle, oracle_quality=gated.quality.value,
        oracle_quality_detail=gated.reason, worst_fill_price=usd(bound) if bound else None,
        liquidation_price_after=outcome.liquidation_price, daily_pnl_usd=daily_pnl,
        buys=bool(outcome.detail["buys"]),
        resting_fill_price=at if resting else None,
        fill_price_name="your limit price" if outcome.detail.get("maker") else "the fill price at your trigger")


def describe_fill(spec: MarketSpec, result: VenueResult, ticket: OrderTicket) -> str:
    fill = _event(result, "OrderFilled")
    if fill is None:
        placed = _event(result, "OrderPlaced") or {}
        kind = str(placed.get("kind", "order")).replace("_", "-")
        at = placed.get("price") if placed.get("kind") == "limit" else placed.get("trigger_price")
        where = f" at {show.price(spec, usd(int(at)))}" if at else ""
        order = f" #{placed['order_id']}" if "order_id" in placed else ""
        return (f"Placed: {kind} order{order}, {'buy' if placed.get('side') == 'buy' else 'sell'} "
                f"{whole(int(placed.get('size', 0)), spec.base_decimals):f} {spec.symbol}{where}; it rests until the "
                f"price reaches it. Transaction {result.signature[:16]}…")
    size = spec.size(int(fill["size"])).normalize()
    base_after = spec.size(int(fill["position_base"])).normalize()
    liq = fill["liquidation_price"]
    # A fill that reduces or closes realizes PnL on the reduced part: the trader's result of the trade.
    pnl = "" if ticket.outcome.detail.get("effect", "opens") in ("opens", "adds") else (
        f", realized PnL {show.signed_money(usd(fill['realized_pnl']))}")
    return (f"Filled: {'bought' if fill['side'] == 'buy' else 'sold'} {size:f} {spec.symbol} at "
            f"{show.price(spec, usd(fill['price']))}, fee {show.money(usd(fill['fee']))}{pnl}. Position now "
            f"{base_after:f} with margin {show.money(usd(fill['position_margin']))}"
            + (f", liquidation price {show.price(spec, usd(liq))}" if liq > 0 else "")
            + f". Transaction {result.signature[:16]}…")
