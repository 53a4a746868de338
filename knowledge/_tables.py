"""Renderers of the code-owned tables in the trader docs (markets, fees, leverage,
funding, the quality gate, errors, risk rules and limits). Each takes the
:class:`CodeFacts` and returns markdown; the block names are the keys of
:data:`TABLES`."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from knowledge._facts import CodeFacts
from quantdesk import units
from quantdesk.markets import MARKET_TABLE, MarketSpec

__all__ = ["TABLES", "RULE_LIMITS", "bps", "pct", "plain", "price"]


def plain(value: Decimal | int) -> str:
    """A number without trailing zeros or exponent, with thousands separators: 1500.450 -> 1,500.45."""
    return f"{Decimal(value).normalize():,f}"


def price(amount_units: int) -> str:
    """Engine price or money units (10^-6 USD) in dollars, cents always shown: 37500000 -> $37.50,
    -269311540 -> −$269.31154."""
    amount = units.usd(abs(amount_units)).normalize()
    if amount.as_tuple().exponent > -2:  # type: ignore[operator]
        amount = amount.quantize(Decimal("0.01"))
    return f"{'−' if amount_units < 0 else ''}${amount:,f}"


def pct(ppm: int) -> str:
    """Parts per million as a percentage."""
    return f"{plain(units.ppm_pct(ppm))}%"


def bps(ppm: int) -> str:
    """Parts per million in basis points."""
    return f"{plain(units.ppm_bps(ppm))} bps"


def lot(spec: MarketSpec) -> str:
    return f"{plain(spec.lot)} {spec.base}"


def funding_rate(spec: MarketSpec) -> str:
    """The maximum funding rate (10^-9 of notional per interval) as a percentage per interval."""
    per = _interval(spec.funding_interval_secs).removeprefix("1 ")
    return f"{plain(units.from_units(spec.max_funding_rate, units.FUNDING_PCT_DECIMALS))}% per {per}"


def _interval(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return "1 hour" if hours == 1 else f"{hours} hours"
    return f"{seconds} s"


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def markets(f: CodeFacts) -> str:
    return _table(
        ("market", "price feed", "lot (smallest size step)", "tick (price step)", "max leverage", "initial margin",
         "maintenance margin"),
        [(m.symbol, m.feed_symbol, lot(m), price(m.tick_size), f"{m.max_leverage}x", pct(m.initial_margin_ppm),
          pct(m.maintenance_margin_ppm)) for m in f.markets])


def market_card(symbol: str) -> Callable[[CodeFacts], str]:
    def render(f: CodeFacts) -> str:
        m = next(s for s in f.markets if s.symbol == symbol)
        rows: list[tuple[str, ...]] = [
            ("price feed (Pyth)", m.feed_symbol), ("lot size (smallest size and size step)", lot(m)),
            ("tick size (price step)", price(m.tick_size)), ("maximum leverage", f"{m.max_leverage}x"),
            ("initial margin", pct(m.initial_margin_ppm)), ("maintenance margin", pct(m.maintenance_margin_ppm)),
            ("taker fee", bps(m.taker_fee_ppm)), ("maker fee", bps(m.maker_fee_ppm)),
            ("spread either side of the oracle", bps(m.spread_ppm)),
            ("funding interval", _interval(m.funding_interval_secs)),
            ("maximum funding rate (full imbalance)", funding_rate(m)),
            ("oldest oracle price the program accepts", f"{m.oracle_max_age_secs} s"),
            ("widest oracle confidence the program accepts", f"{pct(m.max_conf_ppm)} of price"),
        ]
        return _table(("parameter", "value"), rows)

    return render


def fees(f: CodeFacts) -> str:
    rows = _table(("market", "taker fee", "maker fee", "spread either side of the oracle"),
                  [(m.symbol, bps(m.taker_fee_ppm), bps(m.maker_fee_ppm), bps(m.spread_ppm)) for m in f.markets])
    e = f.exchange
    return (rows + "\n\n"
            f"- Liquidation fee: {pct(e.liquidation_fee_ppm)} of the liquidated position's value.\n"
            f"- Liquidator's share of the liquidation fee: {pct(e.liquidator_share_ppm)}; the rest goes to the "
            f"insurance fund.\n"
            f"- Insurance fund's share of every trading fee: {pct(e.insurance_fee_share_ppm)}; the rest goes to the "
            f"liquidity vault.")


def leverage(f: CodeFacts) -> str:
    mine = plain(f.risk_limits.max_leverage)
    return _table(("market", "market maximum", "initial margin", "maintenance margin", "a new trader's limit"),
                  [(m.symbol, f"{m.max_leverage}x", pct(m.initial_margin_ppm), pct(m.maintenance_margin_ppm),
                    f"{mine}x") for m in f.markets])


def funding(f: CodeFacts) -> str:
    return _table(("market", "funding interval", "maximum rate (full imbalance)"),
                  [(m.symbol, _interval(m.funding_interval_secs), funding_rate(m)) for m in f.markets])


def quality(f: CodeFacts) -> str:
    gate = (f"- MIKEY's quality gate: a price older than {f.price_max_age_s} s is `stale`; a confidence wider "
            f"than {plain(f.price_max_conf_ratio * 100)}% of the price is `wide`.\n"
            f"- Verdicts: {', '.join(f'`{q}`' for q in f.qualities)}; only `ok` is quoted or traded.")
    return gate + "\n\n" + _table(
        ("market", "oldest price the program accepts", "widest confidence the program accepts"),
        [(m.symbol, f"{m.oracle_max_age_secs} s", f"{pct(m.max_conf_ppm)} of price") for m in f.markets])


def errors(f: CodeFacts) -> str:
    return _table(("code", "name", "what the program says"), [(str(e.code), e.name, e.message) for e in f.errors])


# Which limit each risk rule compares against (rule name -> a description of the default).
RULE_LIMITS: dict[str, Callable[[CodeFacts], str]] = {
    "kill_switch": lambda f: "on" if f.risk_limits.kill_switch else "off",
    "allowed_markets": lambda f: ", ".join(sorted(f.risk_limits.allowed_markets)),
    "oracle_quality": lambda f: "`ok` only",
    "max_order_notional": lambda f: f"${plain(f.risk_limits.max_order_notional_usd)} per order",
    "max_position_notional": lambda f: f"${plain(f.risk_limits.max_position_notional_usd)} per position after the fill",
    "max_leverage": lambda f: f"{plain(f.risk_limits.max_leverage)}x (or the market's maximum if lower)",
    "max_daily_loss": lambda f: f"${plain(f.risk_limits.max_daily_loss_usd)} over the last 24 hours",
    "min_liquidation_distance": lambda f: (f"{plain(f.risk_limits.min_liquidation_distance_pct)}% from the oracle "
                                           "(a resting order: from its limit price)"),
    "max_slippage": lambda f: f"{f.risk_limits.max_slippage_bps} bps from the oracle",
}


def risk_rules(f: CodeFacts) -> str:
    missing = [r for r in f.risk_rules if r not in RULE_LIMITS]
    if missing:
        raise KeyError(f"risk rules without a documented limit: {missing}; add them to RULE_LIMITS and the docs")
    return _table(("rule (in the order checked)", "a new trader's default limit"),
                  [(f"`{r}`", RULE_LIMITS[r](f)) for r in f.risk_rules])


def account_limits(f: CodeFacts) -> str:
    return "\n".join([
        f"- Open positions per account: at most {f.max_positions} (one per market).",
        f"- Resting orders per account: at most {f.max_open_orders}.",
        f"- A ticket can be approved for {f.ticket_ttl_s} s after it is prepared.",
        f"- Market orders and closes carry a price bound {f.default_slippage_bps} bps from the oracle unless you "
        "ask for another.",
        f"- Leverage when you do not say one: {f.default_leverage}x.",
        f"- Paper USDC a new paper trader starts with: {f.welcome_usdc:,}.",
    ])


TABLES: dict[str, Callable[[CodeFacts], str]] = {
    "markets": markets,
    **{f"market:{symbol}": market_card(symbol) for symbol in MARKET_TABLE.symbols},
    "fees": fees,
    "leverage": leverage,
    "funding": funding,
    "quality": quality,
    "errors": errors,
    "risk-rules": risk_rules,
    "account-limits": account_limits,
}
