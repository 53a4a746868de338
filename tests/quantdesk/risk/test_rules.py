"""Every pre-trade rule: passes inside its limit, fails outside with the rule, limit and value named."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest

from quantdesk.errors import RiskRejected
from quantdesk.risk import OrderRejectedByRisk, OrderRisk, RiskLimits, evaluate

LIMITS = RiskLimits(max_order_notional_usd=D(10_000), max_position_notional_usd=D(20_000), max_leverage=D(10),
                    max_daily_loss_usd=D(1_000), min_liquidation_distance_pct=D(5), max_slippage_bps=50)

# A 5x long of 20 SOL at 150: notional $3,000, liquidation ~19% away, 30 bps price bound.
SAFE = OrderRisk(
    market="SOL-PERP", market_max_leverage=D(20), reduces_exposure=False, order_notional_usd=D(3_000),
    position_notional_after_usd=D(3_000), leverage=D(5), oracle_price=D(150), oracle_quality="ok",
    oracle_quality_detail="", worst_fill_price=D("150.45"), liquidation_price_after=D("121.50"),
    daily_pnl_usd=D(-200),
)


def _only_failure(order: OrderRisk, limits: RiskLimits = LIMITS) -> tuple[str, str, str]:
    report = evaluate(limits, order)
    (failure,) = report.failures
    return failure.rule, failure.limit, failure.value


def test_a_safe_order_passes_every_rule() -> None:
    report = evaluate(LIMITS, SAFE)
    assert report.passed
    assert len(report.results) == 9
    report.raise_if_failed()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"order_notional_usd": D("10000.01")}, ("max_order_notional", "$10,000.00",
                                                    "$10,000.01 at the simulated fill price")),
        ({"position_notional_after_usd": D(25_000)}, ("max_position_notional", "$20,000.00",
                                                             "$25,000.00 at the oracle price")),
        ({"leverage": D(12)}, ("max_leverage", "10x (your limit)", "12x")),
        ({"leverage": D(6), "market_max_leverage": D(5)}, ("max_leverage", "5x (market max)", "6x")),
        ({"daily_pnl_usd": D(-1_000)}, ("max_daily_loss", "$1,000.00", "$1,000.00")),
        ({"liquidation_price_after": D(144)}, ("min_liquidation_distance", "5.00%",
                                                           "4.00% from the oracle price")),
        ({"worst_fill_price": D("150.90")}, ("max_slippage", "50 bps", "60.0 bps")),
        ({"market": "DOGE-PERP"}, ("allowed_markets", "BTC-PERP, ETH-PERP, SOL-PERP", "DOGE-PERP")),
        ({"oracle_quality": "stale", "oracle_quality_detail": "price is 95s old, max 60s"},
         ("oracle_quality", "ok", "stale (price is 95s old, max 60s)")),
    ],
)
def test_each_rule_fails_alone_naming_limit_and_value(change: dict, expected: tuple[str, str, str]) -> None:
    assert _only_failure(replace(SAFE, **change)) == expected


def test_limits_are_inclusive_at_the_boundary() -> None:
    at_limits = replace(SAFE, order_notional_usd=D(10_000), position_notional_after_usd=D(20_000), leverage=D(10),
                        liquidation_price_after=D("142.5"), worst_fill_price=D("150.75"))
    assert evaluate(LIMITS, at_limits).passed


def test_the_kill_switch_blocks_new_exposure_but_not_reduce_only() -> None:
    halted = LIMITS.model_copy(update={"kill_switch": True})
    assert _only_failure(SAFE, halted) == ("kill_switch", "off (reduce-only allowed when on)", "on")
    assert evaluate(halted, replace(SAFE, reduces_exposure=True)).passed


def test_reducing_orders_pass_size_leverage_and_loss_limits_but_not_oracle_quality() -> None:
    closing = replace(SAFE, reduces_exposure=True, order_notional_usd=D(90_000), leverage=D(50),
                      daily_pnl_usd=D(-5_000), position_notional_after_usd=D(0))
    assert evaluate(LIMITS, closing).passed
    stale_close = replace(closing, oracle_quality="wide", oracle_quality_detail="conf 2.1% of price, max 1%")
    assert _only_failure(stale_close)[0] == "oracle_quality"


def test_several_failures_are_all_reported_in_the_exception() -> None:
    bad = replace(SAFE, leverage=D(20), order_notional_usd=D(50_000), position_notional_after_usd=D(50_000))
    report = evaluate(LIMITS, bad)
    assert {f.rule for f in report.failures} == {"max_leverage", "max_order_notional", "max_position_notional"}
    with pytest.raises(RiskRejected) as err:
        report.raise_if_failed()
    assert isinstance(err.value, OrderRejectedByRisk) and err.value.report is report
    assert "max_leverage: FAILED (limit 10x (your limit), value 20x)" in str(err.value)
    assert "max_order_notional: FAILED (limit $25,000.00" not in str(err.value)
    assert "max_order_notional: FAILED (limit $10,000.00, value $50,000.00 at the simulated fill price)" in \
        str(err.value)


def test_a_bound_on_the_favourable_side_is_no_slippage() -> None:
    resting_bid = replace(SAFE, worst_fill_price=D(100))  # a buy limit far below the oracle
    assert evaluate(LIMITS, resting_bid).passed
    resting_ask = replace(SAFE, buys=False, worst_fill_price=D(200))
    assert evaluate(LIMITS, resting_ask).passed
    assert _only_failure(replace(SAFE, buys=False, worst_fill_price=D("149.1")))[0] == "max_slippage"


# A resting buy limit at 140 (oracle 150): the keeper would fill it at 140, so it is measured there.
RESTING = replace(SAFE, resting_fill_price=D(140), worst_fill_price=D(140), liquidation_price_after=D("129.50"))


def test_a_resting_order_is_measured_at_its_limit_price_and_the_texts_say_so() -> None:
    report = evaluate(LIMITS, RESTING)
    values = {r.rule: r.value for r in report.results}
    assert values["max_order_notional"] == "$3,000.00 at your limit price"
    assert values["max_position_notional"] == "$3,000.00 at your limit price"
    assert values["min_liquidation_distance"] == "7.50% from your limit price"  # (140 - 129.5) / 140


def test_a_resting_orders_liquidation_distance_is_taken_from_its_limit_not_the_oracle() -> None:
    # 132 is 12% under the oracle but only 5.71% under the limit where the position would open.
    limits = LIMITS.model_copy(update={"min_liquidation_distance_pct": D(10)})
    assert evaluate(limits, replace(SAFE, liquidation_price_after=D(132))).passed
    assert _only_failure(replace(RESTING, liquidation_price_after=D(132)), limits) == (
        "min_liquidation_distance", "10.00%", "5.71% from your limit price")


def test_limits_reject_nonsense_values() -> None:
    with pytest.raises(ValueError):
        RiskLimits(max_leverage=D(0))
    with pytest.raises(ValueError):
        RiskLimits(min_liquidation_distance_pct=D(100))
