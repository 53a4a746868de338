"""Worked-example blocks of the trader docs: each runs the real engine (see
:mod:`knowledge._examples`) on the code's markets and renders what it did."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from knowledge._examples import Run, engine_run
from knowledge._facts import CodeFacts
from knowledge._tables import pct, plain, price
from quantdesk.engine import Err, Ok, OrderFilled, Side, base_unit
from quantdesk.units import FUNDING_PCT_DECIMALS, from_units

__all__ = ["WORKED"]

SOL, ETH = "SOL-PERP", "ETH-PERP"
SOL_PRICE, ETH_PRICE = Decimal(150), Decimal(2500)
EXAMPLE_PRICES = {"SOL-PERP": Decimal(150), "BTC-PERP": Decimal(100_000), "ETH-PERP": Decimal(2500)}


def _lines(rows: list[tuple[str, str]]) -> str:
    return "\n".join(f"- {label}: {value}" for label, value in rows)


def _sol_long(f: CodeFacts, leverage: int = 5) -> tuple[Run, Ok]:
    run = engine_run(f.markets, f.exchange)
    run.set_price(SOL, SOL_PRICE)
    outcome = run.market_order(SOL, Side.BUY, Decimal(10), leverage)
    if not isinstance(outcome, Ok):
        raise RuntimeError(f"the opening example no longer opens: {outcome}")
    return run, outcome


def open_long(f: CodeFacts) -> str:
    run, outcome = _sol_long(f)
    fill = run.event(outcome, "OrderFilled")
    spec = run.specs[SOL]
    notional = -(-fill.size * fill.price // base_unit(run.params[SOL]))
    eq, im, mm = run.margin_at(SOL, SOL_PRICE)
    return _lines([
        ("Order", f"long 10 SOL on {SOL} at market, 5x, oracle at {price(run.prices[SOL])}"),
        ("Fill price (oracle + spread, rounded up to the tick)", price(fill.price)),
        ("Notional = ceil(size × fill price)", price(notional)),
        ("Margin locked = ceil(notional ÷ 5)", price(fill.position_margin)),
        (f"Taker fee = ceil(notional × {pct(spec.taker_fee_ppm)})", price(fill.fee)),
        ("Free collateral after (10,000 before)", price(run.user().collateral)),
        ("Equity at the oracle = margin + value − cost basis", price(eq)),
        (f"Initial margin requirement ({pct(spec.initial_margin_ppm)} of value)", price(im)),
        (f"Maintenance margin requirement ({pct(spec.maintenance_margin_ppm)} of value)", price(mm)),
        ("Liquidation price", price(fill.liquidation_price)),
    ])


def liquidation(f: CodeFacts) -> str:
    run, outcome = _sol_long(f)
    liq = run.event(outcome, "OrderFilled").liquidation_price
    run.prices[SOL] = liq + 1
    above = run.liquidate(SOL)
    if not isinstance(above, Err):
        raise RuntimeError("one price unit above the liquidation price must be safe")
    run.prices[SOL] = liq
    done = run.liquidate(SOL)
    if not isinstance(done, Ok):
        raise RuntimeError(f"the liquidation example no longer liquidates: {done}")
    ev = run.event(done, "Liquidated")
    value = ev.realized_pnl + _basis(outcome)
    return _lines([
        ("Position", f"long 10 SOL, 5x, entry {price(_basis(outcome) // 10)}, margin "
                     f"{price(run.event(outcome, 'OrderFilled').position_margin)}"),
        ("Liquidation price", price(liq)),
        (f"At {price(liq + 1)} (one millionth of a dollar higher)",
         f"not liquidatable: equity {price(above.value or 0)} ≥ maintenance {price(above.limit or 0)}"),
        (f"At {price(liq)}: position value = floor(10 × price)", price(value)),
        ("Realized PnL = value − cost basis", price(ev.realized_pnl)),
        (f"Liquidation fee = ceil(value × {pct(f.exchange.liquidation_fee_ppm)})", price(ev.liquidation_fee)),
        ("… to the liquidator / to the insurance fund", f"{price(ev.liquidator_reward)} / {price(ev.insurance_fee)}"),
        ("Returned to your free collateral = margin + PnL − fee", price(ev.payout)),
        ("Bad debt", price(ev.bad_debt)),
    ])


def _basis(outcome: Ok) -> int:
    """The cost basis of the position an opening fill left."""
    fill = next(e for e in outcome.events if isinstance(e, OrderFilled))
    return fill.position_quote_entry


def max_leverage(f: CodeFacts) -> str:
    spec = next(m for m in f.markets if m.symbol == ETH)
    rows = []
    for lev in (spec.max_leverage, spec.max_leverage - 1):
        run = engine_run(f.markets, f.exchange)
        run.set_price(ETH, ETH_PRICE)
        outcome = run.market_order(ETH, Side.BUY, Decimal(1), lev)
        if isinstance(outcome, Err):
            rows.append((f"Long 1 ETH at {lev}x, oracle {price(run.prices[ETH])}",
                         f"refused, {outcome.name} ({outcome.code}): equity after the fill "
                         f"{price(outcome.value or 0)} is below the initial margin requirement "
                         f"{price(outcome.limit or 0)}"))
        else:
            fill = run.event(outcome, "OrderFilled")
            rows.append((f"Long 1 ETH at {lev}x, oracle {price(run.prices[ETH])}",
                         f"fills at {price(fill.price)}, margin {price(fill.position_margin)}, liquidation price "
                         f"{price(fill.liquidation_price)}"))
    return _lines(rows)


def funding_example(f: CodeFacts) -> str:
    run, _ = _sol_long(f)
    spec = run.specs[SOL]
    market = run.state.markets[spec.index]
    run.now += 2 * spec.funding_interval_secs
    settled = run.event(run.settle_funding(SOL), "FundingSettled")
    paid = run.event(run.close(SOL), "FundingPaid")
    return _lines([
        ("Open interest", f"{plain(spec.size(market.long_open_interest))} SOL long, "
                          f"{plain(spec.size(market.short_open_interest))} SOL short"),
        ("Rate = max rate × (long − short) ÷ (long + short)",
         f"{plain(from_units(settled.rate, FUNDING_PCT_DECIMALS))}% per interval (longs pay)"),
        ("Intervals settled", str(settled.intervals)),
        ("Oracle at settlement", price(settled.oracle_price)),
        ("Funding the 10 SOL long paid when it was next touched (here: closed)", price(paid.amount)),
    ])


def fill_prices(f: CodeFacts) -> str:
    rows = []
    for spec in f.markets:
        run = engine_run(f.markets, f.exchange)
        oracle = EXAMPLE_PRICES.get(spec.symbol)
        if oracle is None:
            continue
        run.set_price(spec.symbol, oracle)
        size = spec.size(spec.lot_size)
        got = []
        for side in (Side.BUY, Side.SELL):
            outcome = run.market_order(spec.symbol, side, size, 1)
            if not isinstance(outcome, Ok):
                raise RuntimeError(f"fill-price example failed: {outcome}")
            got.append(price(run.event(outcome, "OrderFilled").price))
            run.close(spec.symbol)
        rows.append((f"{spec.symbol}, oracle {price(run.prices[spec.symbol])}", f"buy fills at {got[0]}, sell at "
                                                                                 f"{got[1]}"))
    return _lines(rows)


def close_example(f: CodeFacts) -> str:
    run, outcome = _sol_long(f)
    before = run.user().collateral
    run.set_price(SOL, Decimal(160))
    closed = run.close(SOL)
    fill, done = run.event(closed, "OrderFilled"), run.event(closed, "PositionClosed")
    return _lines([
        ("Position", f"long 10 SOL, 5x, entry {price(_basis(outcome) // 10)}, margin "
                     f"{price(run.event(outcome, 'OrderFilled').position_margin)}"),
        ("Close at market, oracle", price(run.prices[SOL])),
        ("Fill price (oracle − spread, rounded down to the tick)", price(fill.price)),
        ("Realized PnL = floor(10 × fill) − cost basis", price(fill.realized_pnl)),
        ("Taker fee on the closing notional", price(fill.fee)),
        ("Paid back to free collateral = margin + PnL − fee", price(done.payout)),
        ("Free collateral before / after", f"{price(before)} / {price(run.user().collateral)}"),
    ])


WORKED: dict[str, Callable[[CodeFacts], str]] = {
    "example:open-long": open_long,
    "example:liquidation": liquidation,
    "example:max-leverage": max_leverage,
    "example:funding": funding_example,
    "example:fill-prices": fill_prices,
    "example:close": close_example,
}
