"""Venue factories: the configured venue opens as one adapter shape, with the
capabilities that venue has and None for the rest; an unknown venue is refused."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from solders.keypair import Keypair

from quantdesk.db import Database
from quantdesk.errors import VenueError
from quantdesk.exchange import open_venue, venue_kind
from quantdesk.trading import UserWallets
from quantdesk.wallet import Signer
from tests.conftest import make_settings

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


async def test_the_paper_venue_opens_bootstrapped_with_every_paper_capability(fresh_database: Database,
                                                                               tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data")
    adapter = open_venue(settings, fresh_database, UserWallets(settings))
    try:
        assert adapter.name == "paper" and adapter.local is not None
        assert adapter.local.executor.exchange_state().markets  # bootstrapped by the paper admin
        assert adapter.instructions.idl.program_id == adapter.local.executor.idl.program_id
        trader = Signer(Keypair())
        assert adapter.onboarding is not None and adapter.daily_pnl is not None and adapter.history is not None
        await adapter.onboarding(trader)  # the welcome: faucet, account, deposit
        state = await adapter.venue.read_state_for([trader.pubkey])
        user = state.user(bytes(trader.pubkey))
        assert user is not None and user.collateral == 10_000 * 10**6
        assert adapter.daily_pnl(trader.pubkey, datetime.now(UTC)) == Decimal(0)
        assert adapter.history(trader.pubkey, "7d", datetime.now(UTC)).fills == 0
    finally:
        await adapter.aclose()


def test_paper_keeper_activity_reads_nothing_and_creates_no_wallet_for_a_new_trader(fresh_database: Database,
                                                                                   tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data")
    wallets = UserWallets(settings)
    adapter = open_venue(settings, fresh_database, wallets)
    assert adapter.keeper_activity is not None
    assert adapter.keeper_activity("newcomer", (EPOCH, "", 0)) == []
    assert not wallets.path_for("newcomer").exists()


def test_paper_alert_feeds_have_liquidation_prices_and_fills(fresh_database: Database, tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data")
    feeds = venue_kind("paper").alert_feeds(settings, fresh_database, UserWallets(settings))
    assert feeds.liquidation_price is not None and feeds.fills is not None


def test_the_venue_traits_say_what_each_venue_is_without_opening_it() -> None:
    paper, solana = venue_kind("paper"), venue_kind("solana")
    assert (paper.live, paper.trader_wallets, paper.open_local is not None) == (False, True, True)
    assert (solana.live, solana.trader_wallets, solana.open_local) == (True, False, None)


def test_an_unknown_venue_is_refused_with_the_known_ones(database: Database, tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data").model_copy(update={"venue": "ftx"})
    with pytest.raises(VenueError, match=r"unknown venue 'ftx': QUANTDESK_VENUE must be one of paper, solana"):
        open_venue(settings, database, UserWallets(make_settings(tmp_path / "data")))
    with pytest.raises(VenueError, match="unknown venue 'binance'"):
        venue_kind("binance")
