"""The solana factory: QUANTDESK_VENUE=solana opens a SolanaVenue on the configured RPC
(here the loopback JSON-RPC double), reading the configured wallet's accounts, with
none of the paper venue's capabilities."""

from __future__ import annotations

from pathlib import Path

from quantdesk.exchange import open_venue, venue_kind
from quantdesk.exchange.solana import SolanaVenue
from quantdesk.trading import UserWallets
from quantdesk.wallet import create_wallet
from tests.conftest import make_settings
from tests.quantdesk.exchange.solana.conftest import SolanaWorld


def _solana_settings(world: SolanaWorld, tmp_path: Path):  # noqa: ANN202
    wallet = tmp_path / "operator.json"
    operator = create_wallet(wallet)
    settings = make_settings(tmp_path / "data", venue="solana", solana_rpc_url=world.url, wallet_path=wallet,
                             solana_confirm_deadline_s=5.0, solana_poll_interval_s=0.02)
    return settings, operator


async def test_the_solana_venue_talks_to_the_configured_rpc_with_no_paper_capabilities(solana_world: SolanaWorld,
                                                                                        tmp_path: Path) -> None:
    settings, operator = _solana_settings(solana_world, tmp_path)
    adapter = open_venue(settings, solana_world.paper.db, UserWallets(settings))
    try:
        assert adapter.name == "solana" and isinstance(adapter.venue, SolanaVenue)
        assert (adapter.history, adapter.daily_pnl, adapter.onboarding, adapter.keeper_activity, adapter.local) == \
            (None, None, None, None, None)
        assert adapter.venue.owners == (operator.pubkey,)  # the configured wallet's accounts
        assert adapter.instructions.idl.program_id == solana_world.executor.idl.program_id
        state = await adapter.venue.read_state()  # over JSON-RPC, from the double's accounts
        assert len(state.markets) == len(solana_world.executor.exchange_state().markets) > 0
        assert adapter.venue.with_compute_budget([])  # the configured budget instructions, in front
    finally:
        await adapter.aclose()


def test_the_solana_alert_feeds_are_prices_only(solana_world: SolanaWorld, tmp_path: Path) -> None:
    settings, _ = _solana_settings(solana_world, tmp_path)
    feeds = venue_kind("solana").alert_feeds(settings, solana_world.paper.db, UserWallets(settings))
    assert feeds.liquidation_price is None and feeds.fills is None


def test_on_solana_the_configured_wallet_signs_and_no_trader_wallet_is_made(tmp_path: Path) -> None:
    wallet = tmp_path / "operator.json"
    operator = create_wallet(wallet)
    wallets = UserWallets(make_settings(tmp_path / "data", venue="solana", wallet_path=wallet))
    assert wallets.signer_for("alice")[0].pubkey == operator.pubkey == wallets.signer_for("bob")[0].pubkey
    assert not (tmp_path / "data" / "wallets").exists()
