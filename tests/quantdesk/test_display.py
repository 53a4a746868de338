"""Numbers as a trader reads them: dollars with separators, prices at the market's
tick, sizes in the base asset, basis points, a shortened hash; never a float."""

from __future__ import annotations

from decimal import Decimal

import pytest

from quantdesk import display as show


def test_money_has_a_dollar_sign_thousands_separators_and_cents() -> None:
    assert show.money(Decimal("10000")) == "$10,000.00"
    assert show.money("1234567.891") == "$1,234,567.89"
    assert show.money("0.150045") == "$0.15"
    assert show.money(Decimal("-12.5")) == "-$12.50"
    assert show.money("-0.001") == "$0.00"  # no "-$0.00"
    assert show.money(None) == "—"


def test_pnl_shows_its_sign() -> None:
    assert show.signed_money("12.346") == "+$12.35"
    assert show.signed_money("-0.09009") == "-$0.09"
    assert show.signed_money("0") == "$0.00"


@pytest.mark.parametrize(("market", "value", "text"), [
    ("SOL-PERP", "150.045000", "$150.045"),
    ("SOL-PERP", "79.1", "$79.100"),
    ("BTC-PERP", "97123.456789", "$97,123.5"),
    ("ETH-PERP", "3100", "$3,100.00"),
])
def test_prices_have_exactly_the_decimals_of_the_markets_tick(market: str, value: str, text: str) -> None:
    assert show.price(market, value) == text


def test_sizes_are_in_the_base_asset_without_trailing_zeros() -> None:
    assert show.size("SOL-PERP", "2.000000000") == "2 SOL"
    assert show.size("BTC-PERP", Decimal("0.0015")) == "0.0015 BTC"
    assert show.size("SOL-PERP", "-1.5") == "-1.5 SOL"


def test_basis_points_and_percent() -> None:
    assert show.bps("0.150045", "300.09") == "5.0 bps"
    assert show.bps("1", "0") == "—"
    assert show.pct("19.236") == "19.2%"


def test_a_hash_is_shortened_to_its_ends() -> None:
    assert show.short_hash("ab" * 32) == "abababab…abab"


def test_a_float_is_refused_rather_than_shown() -> None:
    with pytest.raises(TypeError):
        show.money(0.1)
