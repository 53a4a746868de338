"""Pre-trade risk rules: pure functions of (limits, what the order would do).

Every rule is evaluated (not just the first failure) so the trader sees the
whole picture; each result names the rule, the limit and the value, and a value
measured at a price names that price ("at the oracle price", "from your limit price").

An order that fills now is measured on its simulated fill (notional) and at the
oracle (position after, liquidation distance). An order that rests is measured on
the fill the keeper would make (quantdesk.trading._hypothetical): a limit order's
notional, position after and liquidation distance all at its limit price, where it
would fill; otherwise a $1M resting limit would pass every size rule with nothing.

Decision (the issue is silent): the kill switch and the daily-loss limit block
every order that opens or increases exposure, but not reduce-only orders and
closes. Letting a trader cut risk while trading is halted is what exchange
"reduce-only mode" does, and blocking it would trap a losing position.
Oracle quality applies to every order: nothing trades on a stale or wide price.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from quantdesk.errors import RiskRejected
from quantdesk.markets import MARKET_TABLE

ALL_MARKETS = frozenset(MARKET_TABLE.symbols)


class RiskLimits(BaseModel):
    """A user's limits. Defaults are deliberately conservative for a new user."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_order_notional_usd: Decimal = Field(Decimal(25_000), gt=0)
    max_position_notional_usd: Decimal = Field(Decimal(50_000), gt=0)
    max_leverage: Decimal = Field(Decimal(10), gt=0)
    max_daily_loss_usd: Decimal = Field(Decimal(2_500), gt=0)
    min_liquidation_distance_pct: Decimal = Field(Decimal(5), ge=0, lt=100)
    max_slippage_bps: int = Field(100, ge=0, le=5_000)
    allowed_markets: frozenset[str] = ALL_MARKETS
    kill_switch: bool = False


@dataclass(frozen=True)
class OrderRisk:
    """What an order would do, as the simulation computed it (USD values as Decimal)."""

    market: str
    market_max_leverage: Decimal
    reduces_exposure: bool
    order_notional_usd: Decimal
    position_notional_after_usd: Decimal
    leverage: Decimal
    oracle_price: Decimal
    oracle_quality: str
    oracle_quality_detail: str
    worst_fill_price: Decimal | None
    liquidation_price_after: Decimal | None
    daily_pnl_usd: Decimal
    buys: bool = True  # which way is adverse for the price bound
    # An order that rests has no simulated fill; it is measured on the fill the keeper would make,
    # at this price (a limit's own limit price), named in the rule texts by ``fill_price_name``.
    # None: it fills now, measured on the simulated fill, its position and liquidation at the oracle.
    resting_fill_price: Decimal | None = None
    fill_price_name: str = "your limit price"

    @property
    def measured_at(self) -> tuple[Decimal, str]:
        """The price the position after and the liquidation distance are measured at, and its name."""
        if self.resting_fill_price is None:
            return self.oracle_price, "the oracle price"
        return self.resting_fill_price, self.fill_price_name


@dataclass(frozen=True)
class RuleResult:
    rule: str
    passed: bool
    limit: str
    value: str

    @property
    def message(self) -> str:
        verdict = "ok" if self.passed else "FAILED"
        return f"{self.rule}: {verdict} (limit {self.limit}, value {self.value})"


@dataclass(frozen=True)
class RiskReport:
    results: tuple[RuleResult, ...]

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def failures(self) -> tuple[RuleResult, ...]:
        return tuple(r for r in self.results if not r.passed)

    def raise_if_failed(self) -> None:
        if not self.passed:
            raise OrderRejectedByRisk(self)


class OrderRejectedByRisk(RiskRejected):
    """Raised with the full report; the message lists every failed rule with its limit and value."""

    def __init__(self, report: RiskReport) -> None:
        super().__init__("order rejected by risk checks: " + "; ".join(r.message for r in report.failures))
        self.report = report


def _usd(value: Decimal) -> str:
    return f"${value:,.2f}"


def _num(value: Decimal) -> str:
    """Plain digits without trailing zeros or exponent: 10 -> '10', 2.50 -> '2.5'."""
    return format(value.normalize(), "f")


def _pct(value: Decimal) -> str:
    return f"{value:.2f}%"


def _rule_kill_switch(lim: RiskLimits, o: OrderRisk) -> RuleResult:
    blocked = lim.kill_switch and not o.reduces_exposure
    return RuleResult("kill_switch", not blocked, "off (reduce-only allowed when on)",
                      "on" if lim.kill_switch else "off")


def _rule_allowed_market(lim: RiskLimits, o: OrderRisk) -> RuleResult:
    return RuleResult("allowed_markets", o.market in lim.allowed_markets, ", ".join(sorted(lim.allowed_markets)),
                      o.market)


def _rule_oracle(_lim: RiskLimits, o: OrderRisk) -> RuleResult:
    value = o.oracle_quality if o.oracle_quality == "ok" else f"{o.oracle_quality} ({o.oracle_quality_detail})"
    return RuleResult("oracle_quality", o.oracle_quality == "ok", "ok", value)


def _rule_order_notional(lim: RiskLimits, o: OrderRisk) -> RuleResult:
    ok = o.reduces_exposure or o.order_notional_usd <= lim.max_order_notional_usd
    at = "the simulated fill price" if o.resting_fill_price is None else o.fill_price_name
    return RuleResult("max_order_notional", ok, _usd(lim.max_order_notional_usd),
                      f"{_usd(o.order_notional_usd)} at {at}")


def _rule_position_notional(lim: RiskLimits, o: OrderRisk) -> RuleResult:
    ok = o.reduces_exposure or o.position_notional_after_usd <= lim.max_position_notional_usd
    return RuleResult("max_position_notional", ok, _usd(lim.max_position_notional_usd),
                      f"{_usd(o.position_notional_after_usd)} at {o.measured_at[1]}")


def _rule_leverage(lim: RiskLimits, o: OrderRisk) -> RuleResult:
    limit = min(lim.max_leverage, o.market_max_leverage)
    ok = o.reduces_exposure or o.leverage <= limit
    source = "market max" if o.market_max_leverage < lim.max_leverage else "your limit"
    return RuleResult("max_leverage", ok, f"{_num(limit)}x ({source})", f"{_num(o.leverage)}x")


def _rule_daily_loss(lim: RiskLimits, o: OrderRisk) -> RuleResult:
    loss = max(Decimal(0), -o.daily_pnl_usd)
    ok = o.reduces_exposure or loss < lim.max_daily_loss_usd
    return RuleResult("max_daily_loss", ok, _usd(lim.max_daily_loss_usd), _usd(loss))


def _rule_liquidation_distance(lim: RiskLimits, o: OrderRisk) -> RuleResult:
    if o.liquidation_price_after is None:
        return RuleResult("min_liquidation_distance", True, _pct(lim.min_liquidation_distance_pct), "no liquidation")
    price, name = o.measured_at
    distance = abs(price - o.liquidation_price_after) / price * 100
    ok = o.reduces_exposure or distance >= lim.min_liquidation_distance_pct
    return RuleResult("min_liquidation_distance", ok, _pct(lim.min_liquidation_distance_pct),
                      f"{_pct(distance)} from {name}")


def _rule_slippage(lim: RiskLimits, o: OrderRisk) -> RuleResult:
    if o.worst_fill_price is None:
        return RuleResult("max_slippage", True, f"{lim.max_slippage_bps} bps", "no price bound")
    # Only the adverse side counts: a buy limit below the oracle (a resting bid) risks no slippage.
    adverse = o.worst_fill_price - o.oracle_price if o.buys else o.oracle_price - o.worst_fill_price
    bps = max(Decimal(0), adverse) / o.oracle_price * 10_000
    return RuleResult("max_slippage", bps <= lim.max_slippage_bps, f"{lim.max_slippage_bps} bps", f"{bps:.1f} bps")


RULES: tuple[Callable[[RiskLimits, OrderRisk], RuleResult], ...] = (
    _rule_kill_switch,
    _rule_allowed_market,
    _rule_oracle,
    _rule_order_notional,
    _rule_position_notional,
    _rule_leverage,
    _rule_daily_loss,
    _rule_liquidation_distance,
    _rule_slippage,
)


def evaluate(limits: RiskLimits, order: OrderRisk) -> RiskReport:
    """Run every rule; the report says which passed and which failed."""
    return RiskReport(tuple(rule(limits, order) for rule in RULES))
