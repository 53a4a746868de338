"""What every surface shows around the chat: PAPER or LIVE and the venue, the
model, the replay label, and a plain warning (with how to fix it) when no prices
flow; read from the ingest service's status in Postgres."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from interfaces import REPLAY_LABEL, desk_context
from quantdesk.db import Database
from quantdesk.ingest import UPSERT_STATUS_SQL, BreakerStatus, IngestStatus
from tests.conftest import make_settings

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def _report(db: Database, *, source: str = "replay", role: str = "leader", at: datetime = NOW) -> None:
    status = IngestStatus(
        instance="test", role=role, source=source, source_description=source,  # type: ignore[arg-type]
        breaker=BreakerStatus(state="closed", consecutive_failures=0, total_failures=0, opens=0, last_error=None,
                              retry_at=None),
        ticks_received=1, ticks_written=1, duplicates=0, rejected=0, pending=0, ticks_per_s=1.0, lag_s=0.1,
        last_write_ms=1.0, last_error=None, started_at=at, updated_at=at, feeds=[], source_stats={})
    with db.connect(autocommit=True) as conn:
        conn.execute(UPSERT_STATUS_SQL, (status.instance, status.role, status.model_dump_json()))


def test_paper_with_replayed_prices_flowing(fresh_database: Database, tmp_path: Path) -> None:
    _report(fresh_database, at=NOW - timedelta(seconds=2))
    desk = desk_context(make_settings(tmp_path), fresh_database, NOW)
    assert (desk.mode, desk.venue, desk.replay, desk.prices) == ("PAPER", "paper venue", REPLAY_LABEL, None)
    assert (desk.llm, desk.model) == (False, "offline parser (no LLM)")


def test_no_prices_flowing_says_so_and_how_to_start_them(fresh_database: Database, tmp_path: Path) -> None:
    never = desk_context(make_settings(tmp_path), fresh_database, NOW)
    assert never.prices is not None and never.prices.startswith("No prices are flowing: the market-data service "
                                                                "has never run here")
    assert "`quantdesk run`" in never.prices
    _report(fresh_database, at=NOW - timedelta(minutes=5))
    stale = desk_context(make_settings(tmp_path), fresh_database, NOW)
    assert stale.prices is not None and "is not running" in stale.prices
    _report(fresh_database, role="stopped")
    assert "is not running" in (desk_context(make_settings(tmp_path), fresh_database, NOW).prices or "")


def test_the_solana_venue_is_live_and_names_its_cluster(fresh_database: Database, tmp_path: Path) -> None:
    _report(fresh_database, source="hermes")
    settings = make_settings(tmp_path, venue="solana", solana_rpc_url="https://api.mainnet-beta.solana.com",
                             mikey_model="openai:gpt-4o")
    desk = desk_context(settings, fresh_database, NOW)
    assert (desk.mode, desk.venue, desk.replay) == ("LIVE", "Solana mainnet", None)
    assert (desk.llm, desk.model) == (True, "openai:gpt-4o")
