"""Services starting together (keepers, alerts, `quantdesk run`) each open the
paper venue; the set-up is check-then-act, so without a lock one of them died
with AlreadyProcessed. Many at once on a fresh database and data dir must all
succeed and leave exactly one exchange, set up once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from quantdesk.db import Database
from quantdesk.exchange import MARKETS
from quantdesk.exchange.paper import INSURANCE_FUNDING, LIQUIDITY_FUNDING, open_paper
from tests.conftest import make_settings

OPENERS = 8


def test_concurrent_first_opens_all_succeed_and_set_up_one_exchange(fresh_database: Database,
                                                                    tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data")
    start = threading.Barrier(OPENERS)

    def open_once(_: int) -> tuple[str, str]:
        db = Database(kind="external", _url=fresh_database.url, pool_max=2)  # a process's own pool
        try:
            start.wait()
            parts = open_paper(settings, db)
            return str(parts.admin.pubkey), str(parts.keeper.pubkey)
        finally:
            db.close()

    with ThreadPoolExecutor(max_workers=OPENERS) as pool:
        wallets = set(pool.map(open_once, range(OPENERS)))  # re-raises the first failure

    assert len(wallets) == 1, "every opener uses the same admin and keeper wallets"
    state = open_paper(settings, fresh_database).executor.state()
    assert state.exchange is not None
    assert len(state.markets) == len(MARKETS)
    assert (state.exchange.liquidity_vault, state.exchange.insurance_fund) == (LIQUIDITY_FUNDING, INSURANCE_FUNDING)
    with fresh_database.connect() as conn:
        ok, failed = conn.execute("SELECT count(*) FILTER (WHERE ok), count(*) FILTER (WHERE NOT ok) "
                                  "FROM paper_transactions").fetchone()
    assert (ok, failed) == (1 + len(MARKETS) + 1, 0), "initialize, each market, fund the pools: once each"
