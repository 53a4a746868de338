"""A market's funding as the trader reads it, on the bootstrapped exchange's own markets:
the engine's rate formula, in percent per interval, who pays, and when the next is due."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from quantdesk.engine import State
from quantdesk.exchange import market_by_symbol
from quantdesk.trading import funding_outlook
from tests.quantdesk.exchange.paper.conftest import PaperWorld

SOL = market_by_symbol("SOL-PERP")


def _with_open_interest(state: State, long: int, short: int, *, last_rate: int = 0, last_ts: int = 0) -> State:
    market = replace(state.markets[SOL.index], long_open_interest=long, short_open_interest=short,
                     last_funding_rate=last_rate, last_funding_ts=last_ts)
    markets = tuple(market if m.index == SOL.index else m for m in state.markets)
    return replace(state, markets=markets)


def test_more_longs_than_shorts_means_longs_pay_at_the_imbalance_share_of_the_maximum(world: PaperWorld) -> None:
    state = _with_open_interest(world.executor.state(), long=3, short=1, last_rate=-2_500_000, last_ts=1_000)
    params = state.markets[SOL.index].params
    outlook = funding_outlook(state, SOL, now_s=1_000 + 60)
    # (3 - 1) / (3 + 1) of the maximum, 10^-9 per interval -> percent.
    assert outlook.next_rate_pct == Decimal(params.max_funding_rate // 2).scaleb(-7)
    assert outlook.last_rate_pct == Decimal("-0.25") and outlook.payer == "longs pay shorts"
    assert (outlook.interval_s, outlook.due_in_s) == (params.funding_interval_secs,
                                                       params.funding_interval_secs - 60)


def test_a_balanced_or_empty_book_pays_no_one_and_an_overdue_settlement_is_due_now(world: PaperWorld) -> None:
    state = _with_open_interest(world.executor.state(), long=0, short=0, last_ts=0)
    outlook = funding_outlook(state, SOL, now_s=10**9)
    assert (outlook.next_rate_pct, outlook.payer, outlook.due_in_s) == (Decimal(0), "no one pays", 0)
    shorts = funding_outlook(_with_open_interest(state, long=1, short=3), SOL, now_s=0)
    assert shorts.next_rate_pct < 0 and shorts.payer == "shorts pay longs"
