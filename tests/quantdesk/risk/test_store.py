"""Per-user limits persist, validate as a whole, and are set by an operator's CLI."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from quantdesk.db import Database
from quantdesk.risk import RiskLimits, RiskLimitStore
from tests.quantdesk.cli.cli_helpers import quantdesk


def test_users_without_a_row_get_the_defaults_and_updates_persist(database: Database) -> None:
    store = RiskLimitStore(database.pool)
    assert store.get("nobody") == RiskLimits()
    store.update("dana", {"max_leverage": Decimal(4), "kill_switch": True}, by="test")
    limits = store.get("dana")
    assert limits.max_leverage == 4 and limits.kill_switch
    assert limits.max_order_notional_usd == RiskLimits().max_order_notional_usd
    with pytest.raises(ValidationError):
        store.update("dana", {"max_leverage": Decimal(0)}, by="test")
    assert store.get("dana").max_leverage == 4


def test_cli_sets_and_shows_limits(tmp_path: Path) -> None:
    data = tmp_path / "data"
    out = quantdesk(data, "risk", "set", "--user", "erin", "--max-leverage", "3", "--kill-switch", COLUMNS="200")
    assert out.returncode == 0, out.stderr
    assert "kill switch ON" in out.stdout
    shown = quantdesk(data, "risk", "show", "--user", "erin", COLUMNS="200")
    assert "max_leverage" in shown.stdout and " 3 " in shown.stdout and "True" in shown.stdout
    bad = quantdesk(data, "risk", "set", "--user", "erin", "--max-leverage", "-1", COLUMNS="200")
    assert bad.returncode == 2 and "--max-leverage must be more than 0" in bad.stderr
    edge = quantdesk(data, "risk", "set", "--user", "erin", "--min-liquidation-distance-pct", "100", COLUMNS="200")
    assert edge.returncode == 2 and "invalid limit: min_liquidation_distance_pct" in edge.stderr
