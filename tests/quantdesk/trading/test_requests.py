"""A trader's number becomes the program's integer exactly, or is refused with what to change."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from quantdesk.engine import MAX_PRICE
from quantdesk.markets import market_by_symbol
from quantdesk.trading import (
    TradeRequestError,
    base_units,
    limit_price_units,
    price_units,
    size_for_notional,
    usdc_units,
)

SOL = market_by_symbol("SOL-PERP")


def test_prices_and_amounts_are_taken_exactly_as_typed() -> None:
    assert price_units(Decimal("150.045")) == 150_045_000
    assert price_units(Decimal("0.000001")) == 1
    assert usdc_units(Decimal("2500.5")) == 2_500_500_000
    assert limit_price_units(SOL, Decimal("150.045")) == 150_045_000


@pytest.mark.parametrize("value", ["150.0000001", "0.0000001", "1E-999999999", "0", "-5"])
def test_a_price_with_too_many_decimals_or_not_positive_is_refused_not_rounded(value: str) -> None:
    message = f"price {Decimal(value)} must be positive with at most 6 decimals"
    with pytest.raises(TradeRequestError, match=f"^{re.escape(message)}$"):
        price_units(Decimal(value))


def test_a_price_past_the_programs_limit_names_the_limit_in_dollars() -> None:
    assert MAX_PRICE == 10_000_000_000_000
    with pytest.raises(TradeRequestError, match=r"^price must be at most \$10,000,000 \(the program's limit\); "
                                                r"got 1E\+999999999$"):
        price_units(Decimal("1E+999999999"))


def test_a_size_is_whole_lots_of_base_units() -> None:
    assert base_units(SOL, Decimal("1.25")) == 1_250_000_000
    with pytest.raises(TradeRequestError, match=r"lots of 0\.01; 1\.255 is not a multiple \(try 1\.25\)"):
        base_units(SOL, Decimal("1.255"))
    with pytest.raises(TradeRequestError, match=r"1\.2500000001 is not a multiple"):  # finer than a base unit
        base_units(SOL, Decimal("1.2500000001"))


def test_a_dollar_size_is_the_most_whole_lots_it_buys() -> None:
    assert size_for_notional(SOL, Decimal(1000), 150_000_000) == 6_660_000_000  # 6.66 SOL, never more than $1000
    with pytest.raises(TradeRequestError, match=r"^\$1 is less than one lot of SOL-PERP \(about \$1\.50\)$"):
        size_for_notional(SOL, Decimal(1), 150_000_000)
