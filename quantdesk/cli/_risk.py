"""`quantdesk risk show|set` — an operator's view and control of a trader's limits."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import typer
from pydantic import ValidationError
from rich.table import Table

from quantdesk.cli._input import cli_decimal, cli_integer, user_option
from quantdesk.cli._state import state
from quantdesk.db import migrate, open_database
from quantdesk.errors import ConfigError
from quantdesk.risk import RiskLimitStore

# The CLI's bounds are sanity limits on what a person types (leverage far above any
# market's own maximum, which caps a trader's anyway); RiskLimits has the exact rules.
MAX_LEVERAGE = 1_000
MAX_USD_LIMIT = 10**12


def _usd(option: str) -> Any:
    return typer.Option(None, option, parser=cli_decimal(option, 0, MAX_USD_LIMIT, places=6, above_low=True))


risk_app = typer.Typer(help="Per-trader pre-trade risk limits.", no_args_is_help=True)


@risk_app.command("show")
def risk_show(ctx: typer.Context, user: str = user_option(required=True)) -> None:
    """The trader's limits in effect."""
    st = state(ctx)
    with open_database(st.settings) as db:
        migrate(db)
        limits = RiskLimitStore(db.pool).get(user)
    table = Table(title=f"risk limits of {user}")
    table.add_column("limit")
    table.add_column("value")
    for name, value in limits.model_dump().items():
        shown = ", ".join(sorted(value)) if isinstance(value, frozenset) else str(value)
        table.add_row(name, shown)
    st.console.print(table)


@risk_app.command("set")
def risk_set(
    ctx: typer.Context,
    user: str = user_option(required=True),
    max_order_notional_usd: Decimal | None = _usd("--max-order-notional-usd"),
    max_position_notional_usd: Decimal | None = _usd("--max-position-notional-usd"),
    max_leverage: Decimal | None = typer.Option(
        None, parser=cli_decimal("--max-leverage", 0, MAX_LEVERAGE, places=2, above_low=True)),
    max_daily_loss_usd: Decimal | None = _usd("--max-daily-loss-usd"),
    min_liquidation_distance_pct: Decimal | None = typer.Option(
        None, parser=cli_decimal("--min-liquidation-distance-pct", 0, 100, places=2)),
    max_slippage_bps: int | None = typer.Option(None, parser=cli_integer("--max-slippage-bps", 0, 10_000)),
    kill_switch: bool | None = typer.Option(None, "--kill-switch/--no-kill-switch"),
) -> None:
    """Change some of the trader's limits (the rest stay as they are)."""
    st = state(ctx)
    changes = {k: v for k, v in {
        "max_order_notional_usd": max_order_notional_usd, "max_position_notional_usd": max_position_notional_usd,
        "max_leverage": max_leverage, "max_daily_loss_usd": max_daily_loss_usd,
        "min_liquidation_distance_pct": min_liquidation_distance_pct, "max_slippage_bps": max_slippage_bps,
        "kill_switch": kill_switch}.items() if v is not None}
    if not changes:
        raise ConfigError("nothing to change: pass at least one limit option")
    with open_database(st.settings) as db:
        migrate(db)
        try:
            updated = RiskLimitStore(db.pool).update(user, changes, by="cli")
        except ValidationError as exc:
            raise ConfigError("invalid limit: "
                              + "; ".join(f"{e['loc'][0]}: {e['msg']}" for e in exc.errors())) from exc
    st.console.print(f"updated {', '.join(changes)} for {user}; kill switch {'ON' if updated.kill_switch else 'off'}")
