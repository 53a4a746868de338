"""Numbers and user names typed on the command line: one reading for every option
(plain ASCII decimals in range, validated user ids), refused with one `error:` line
and exit code 2 before anything is credited, stored or started."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from quantdesk.cli import InvalidCliInput, cli_decimal, cli_integer
from quantdesk.db import open_database
from quantdesk.risk import RiskLimits, RiskLimitStore
from tests.conftest import make_settings
from tests.quantdesk.cli.cli_helpers import assert_refused, quantdesk

NOT_PLAIN = "plain decimal number"


def test_a_cli_decimal_is_plain_ascii_digits_within_its_range_and_places() -> None:
    amount = cli_decimal("AMOUNT", 0, 1_000, places=6, above_low=True)
    assert amount("250.5") == Decimal("250.5")
    assert amount("1.500000000") == Decimal("1.5")  # trailing zeros are not extra places
    for text in ("١٠", "1_000", "1e3", "1E3", "NaN", "Infinity", "+5", " 5", "5 ", "1,000", ".5", "5.", "0x10", ""):
        with pytest.raises(InvalidCliInput, match=NOT_PLAIN):
            amount(text)
    for text in ("0", "-1", "1000.000001"):
        with pytest.raises(InvalidCliInput, match="must be more than 0 and at most 1,000"):
            amount(text)
    with pytest.raises(InvalidCliInput, match="at most 6 decimal places"):
        amount("1.0000001")
    bps = cli_integer("--bps", 0, 5_000)
    assert bps("0") == 0 and bps("5000") == 5000
    for text in ("10.0", "١٠", "1_0"):
        with pytest.raises(InvalidCliInput, match="whole number"):
            bps(text)


def test_faucet_refuses_what_the_chat_refuses_and_credits_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    funded = quantdesk(data, "faucet", "100", "--user", "alice", COLUMNS="200")
    assert funded.returncode == 0, funded.stderr
    for amount, expected in (("١٠", NOT_PLAIN), ("1_000", NOT_PLAIN), ("1e6", NOT_PLAIN), ("0", "more than 0"),
                             ("1.0000001", "at most 6 decimal places")):
        assert_refused(quantdesk(data, "faucet", "--user", "alice", "--", amount, COLUMNS="300"), expected)
    assert_refused(quantdesk(data, "faucet", "10", "--user", "", COLUMNS="300"), "a user name must not be empty")
    positions = quantdesk(data, "positions", "--user", "alice", COLUMNS="200")
    assert re.search(r"free collateral 100\.0+ USDC", positions.stdout), positions.stdout
    assert sorted(p.name.split("-")[0] for p in (data / "wallets" / "users").iterdir()) == ["alice"]


def test_positions_and_orders_refuse_a_bad_user_and_create_no_wallet(tmp_path: Path) -> None:
    data = tmp_path / "data"
    for command in ("positions", "orders"):
        assert_refused(quantdesk(data, command, "--user", "", COLUMNS="300"), "a user name must not be empty")
    unknown = quantdesk(data, "positions", "--user", "dave", COLUMNS="200")
    assert unknown.returncode == 0 and "dave has no paper wallet yet" in unknown.stdout
    assert not (data / "wallets" / "users").exists()  # looking never creates (and so never skips onboarding)


def test_risk_set_refuses_bad_numbers_and_users_and_stores_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    kept = quantdesk(data, "risk", "set", "--user", "bob", "--max-leverage", "3", COLUMNS="200")
    assert kept.returncode == 0, kept.stderr
    # One bad value per option (the unit test above covers the forms): each is read the same way.
    for option, value, expected in (
            ("--max-leverage", "1e400", NOT_PLAIN), ("--max-order-notional-usd", "1_000", NOT_PLAIN),
            ("--max-position-notional-usd", "1" + "0" * 20, "at most 1,000,000,000,000"),
            ("--max-daily-loss-usd", "-1", "more than 0"), ("--min-liquidation-distance-pct", "101", "at most 100"),
            ("--max-slippage-bps", "١٠", "whole number")):
        assert_refused(quantdesk(data, "risk", "set", "--user", "bob", option, value, COLUMNS="300"), expected)
    assert_refused(quantdesk(data, "risk", "set", "--user", "", "--max-leverage", "2", COLUMNS="300"),
                   "a user name must not be empty")
    assert_refused(quantdesk(data, "risk", "set", "--user", "ｂｏｂ", "--max-leverage", "2", COLUMNS="300"),
                   "may hold only ASCII")
    assert_refused(quantdesk(data, "risk", "show", "--user", "", COLUMNS="300"), "a user name must not be empty")
    with open_database(make_settings(data)) as db:
        store = RiskLimitStore(db.pool)
        assert store.get("bob") == RiskLimits(max_leverage=Decimal(3))
        with db.pool.connection() as conn:
            assert conn.execute("SELECT user_id FROM risk_limits").fetchall() == [("bob",)]


def test_chat_refuses_an_empty_user_or_thread_instead_of_using_the_default(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert_refused(quantdesk(data, "chat", "--json", "--user", "", COLUMNS="300"), "a user name must not be empty")
    assert_refused(quantdesk(data, "chat", "--json", "--thread", " ", COLUMNS="300"), "--thread must not be empty")
    assert not data.exists()  # refused before the database or any wallet was touched


def test_keepers_refuse_an_interval_that_is_not_a_plain_positive_number(tmp_path: Path) -> None:
    data = tmp_path / "data"
    for value, expected in (("nan", NOT_PLAIN), ("0", "more than 0")):
        assert_refused(quantdesk(data, "keepers", "--interval", value, COLUMNS="300"), expected)
    assert not data.exists()
