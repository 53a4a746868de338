"""The paper commands as a trader uses them: real subprocesses on a real database."""

from __future__ import annotations

from pathlib import Path

from quantdesk.trading import UserWallets
from tests.conftest import make_settings
from tests.quantdesk.cli.cli_helpers import quantdesk


def test_faucet_creates_the_wallet_and_account_then_positions_and_orders_show_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = quantdesk(data, "faucet", "10000", "--user", "alice", COLUMNS="200")
    assert first.returncode == 0, first.stderr
    wallet = UserWallets(make_settings(data)).path_for("alice")
    assert f"created the paper wallet of alice at {wallet}" in first.stdout
    assert "deposited 10000 paper USDC for alice" in first.stdout and "free collateral now 10,000" in first.stdout
    again = quantdesk(data, "faucet", "2500.5", "--user", "alice", COLUMNS="200")
    assert again.returncode == 0, again.stderr
    assert "created the paper wallet" not in again.stdout and "free collateral now 12,500.5" in again.stdout
    positions = quantdesk(data, "positions", "--user", "alice", COLUMNS="200")
    assert positions.returncode == 0, positions.stderr
    assert "free collateral 12,500.5" in positions.stdout
    orders = quantdesk(data, "orders", "--user", "alice", COLUMNS="200")
    assert orders.returncode == 0 and "no open orders" in orders.stdout


def test_faucet_refuses_nonsense_amounts_and_other_venues(tmp_path: Path) -> None:
    data = tmp_path / "data"
    for amount, message in (("0", "more than 0 and at most 1,000,000,000"), ("1.0000001", "at most 6 decimal places")):
        out = quantdesk(data, "faucet", amount, COLUMNS="200")
        assert out.returncode == 2 and message in out.stderr, out.stderr
    wallet = tmp_path / "id.json"
    wallet.write_text("[" + ",".join(["1"] * 64) + "]")
    out = quantdesk(data, "faucet", "10", QUANTDESK_VENUE="solana", QUANTDESK_WALLET_PATH=str(wallet))
    assert out.returncode == 2 and "paper venue only" in out.stderr
