"""The paper commands as a trader uses them: real subprocesses on a real database."""

from __future__ import annotations

from pathlib import Path

from tests.foundation.cli_helpers import quantdesk


def test_faucet_creates_the_wallet_and_account_then_positions_and_orders_show_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = quantdesk(data, "faucet", "10000", COLUMNS="200")
    assert first.returncode == 0, first.stderr
    assert f"created your paper wallet at {data / 'wallets' / 'paper.json'}" in first.stdout
    assert "deposited 10000 paper USDC" in first.stdout and "free collateral now 10,000" in first.stdout
    again = quantdesk(data, "faucet", "2500.5", COLUMNS="200")
    assert again.returncode == 0, again.stderr
    assert "created your paper wallet" not in again.stdout and "free collateral now 12,500.5" in again.stdout
    positions = quantdesk(data, "positions", COLUMNS="200")
    assert positions.returncode == 0, positions.stderr
    assert "free collateral 12,500.5" in positions.stdout
    orders = quantdesk(data, "orders", COLUMNS="200")
    assert orders.returncode == 0 and "no open orders" in orders.stdout


def test_faucet_refuses_nonsense_amounts_and_other_venues(tmp_path: Path) -> None:
    data = tmp_path / "data"
    for amount, message in (("0", "between 0 and"), ("1.0000001", "6 decimals")):
        out = quantdesk(data, "faucet", amount, COLUMNS="200")
        assert out.returncode == 2 and message in out.stderr, out.stderr
    wallet = tmp_path / "id.json"
    wallet.write_text("[" + ",".join(["1"] * 64) + "]")
    out = quantdesk(data, "faucet", "10", QUANTDESK_VENUE="solana", QUANTDESK_WALLET_PATH=str(wallet))
    assert out.returncode == 2 and "paper venue only" in out.stderr
