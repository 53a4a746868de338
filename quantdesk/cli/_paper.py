"""Paper-venue commands: `quantdesk faucet AMOUNT`, `quantdesk positions`,
`quantdesk orders`, and the keepers service `quantdesk keepers`.

faucet, positions and orders act on one trader's wallet (``--user``, by default the
same user as `quantdesk chat`), the very wallet the chat signs with (UserWallets)."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from quantdesk.cli._input import cli_decimal, user_option
from quantdesk.cli._state import state
from quantdesk.compose import build_keeper
from quantdesk.config import Settings
from quantdesk.db import Database, migrate, open_database
from quantdesk.errors import VenueError
from quantdesk.exchange import PerpInstructions, account_view, build_message, venue_kind
from quantdesk.exchange.paper import run_keepers
from quantdesk.supervisor import ServiceSpec
from quantdesk.units import USD_DECIMALS, usd_units

if TYPE_CHECKING:
    from quantdesk.cli._state import CliState
    from quantdesk.exchange import AccountView
    from quantdesk.exchange.paper import PaperVenueParts
    from quantdesk.trading import UserWallets
    from quantdesk.wallet import Signer

USDC_PLACES = USD_DECIMALS
MAX_FAUCET_USDC = 1_000_000_000


def _local_venue(settings: Settings) -> Callable[[Database], PaperVenueParts]:
    """How each command opens the venue's in-process executor (once); refused, before
    anything is opened, on a venue that runs elsewhere."""
    open_local = venue_kind(settings.venue).open_local
    if open_local is None:
        raise VenueError("this command works on the paper venue only (QUANTDESK_VENUE=paper)")
    return partial(open_local, settings)


def _user_wallets(settings: Settings) -> UserWallets:
    """The chat's own map of traders to wallets (imported here: the trading stack is
    heavy, and every `quantdesk` command loads this module)."""
    from quantdesk.trading import UserWallets

    return UserWallets(settings)


def faucet_command(
    ctx: typer.Context,
    amount: Decimal = typer.Argument(..., metavar="AMOUNT", help="Paper USDC to credit (up to 1,000,000,000).",
                                     parser=cli_decimal("the faucet AMOUNT", 0, MAX_FAUCET_USDC, places=USDC_PLACES,
                                                        above_low=True)),
    user: str = user_option(),
) -> None:
    """Credit paper USDC to a trader and deposit it as collateral (creating their wallet and
    trading account if needed: the same wallet their chat signs with)."""
    st = state(ctx)
    open_local = _local_venue(st.settings)
    units = usd_units(amount)  # exact: the parser allows at most USDC_PLACES places
    with open_database(st.settings) as db:
        migrate(db)
        parts = open_local(db)
        wallets = _user_wallets(st.settings)
        signer, created = wallets.signer_for(user)
        if created:
            st.console.print(f"created the paper wallet of {user} at {wallets.path_for(user)}")
        ixs = PerpInstructions(parts.executor.idl)
        token = parts.executor.faucet(signer.pubkey, units)
        instructions = []
        if parts.executor.account_state(signer.pubkey).user(bytes(signer.pubkey)) is None:
            instructions.append(ixs.create_user(signer.pubkey))
        instructions.append(ixs.deposit(signer.pubkey, signer.pubkey, token, units))
        message = build_message(signer.pubkey, instructions, parts.executor.latest_blockhash().blockhash)
        outcome = parts.executor.submit(bytes(signer.sign_transaction(message)))
        if not outcome.ok:
            assert outcome.failure is not None
            raise VenueError(f"deposit failed: {outcome.failure.message}")
        view = account_view(parts.executor.account_state(signer.pubkey), bytes(signer.pubkey), {})
        assert view is not None
        st.console.print(f"deposited {amount} paper USDC for {user} ({signer.pubkey}); free collateral now "
                         f"{view.collateral:,} USDC (tx {outcome.signature[:16]}…)")


def _account(ctx: typer.Context, user: str) -> tuple[CliState, AccountView | None, Signer | None]:
    """(cli state, account view or None, signer or None); tells the trader how to start when
    there is no wallet or account yet (without creating a wallet: see UserWallets.existing)."""
    st = state(ctx)
    open_local = _local_venue(st.settings)
    start = f"run `quantdesk faucet 10000 --user {user}` or chat with MIKEY as {user}"
    signer = _user_wallets(st.settings).existing(user)
    if signer is None:
        st.console.print(f"{user} has no paper wallet yet: {start}")
        return st, None, None
    with open_database(st.settings) as db:
        migrate(db)
        parts = open_local(db)
        view = account_view(parts.executor.account_state(signer.pubkey), bytes(signer.pubkey),
                            parts.executor.marks())
    if view is None:
        st.console.print(f"{user} ({signer.pubkey}) has no trading account yet: {start}")
    return st, view, signer


def positions_command(ctx: typer.Context, user: str = user_option()) -> None:
    """A trader's open positions on the paper venue (the ones their chat shows)."""
    st, view, signer = _account(ctx, user)
    if view is None or signer is None:  # no signer means no view
        return
    table = Table(title=f"positions of {user} ({signer.pubkey})")
    for col in ("market", "side", "size", "entry", "mark", "uPnL", "margin", "liq. price", "leverage"):
        table.add_column(col, justify="left" if col in ("market", "side") else "right")
    for p in view.positions:
        table.add_row(p.market, p.side, f"{p.size}", f"{p.entry_price:,}", _opt(p.mark_price), _opt(p.unrealized_pnl),
                      f"{p.margin:,}", _opt(p.liquidation_price), _opt(p.leverage))
    st.console.print(table)
    st.console.print(f"free collateral {view.collateral:,} USDC; margin locked {view.margin_locked:,}; "
                     f"equity {_opt(view.equity)}")


def orders_command(ctx: typer.Context, user: str = user_option()) -> None:
    """A trader's resting orders on the paper venue."""
    st, view, signer = _account(ctx, user)
    if view is None or signer is None:  # no signer means no view
        return
    table = Table(title=f"open orders of {user} ({signer.pubkey})")
    for col in ("id", "market", "kind", "side", "size", "price", "trigger", "reduce-only", "client id"):
        table.add_column(col)
    for o in view.orders:
        table.add_row(str(o.order_id), o.market, o.kind, o.side, f"{o.size}", _opt(o.price), _opt(o.trigger_price),
                      "yes" if o.reduce_only else "", str(o.client_order_id))
    st.console.print(table)
    if not view.orders:
        st.console.print("no open orders")


def _opt(value: object) -> str:
    return "—" if value is None else f"{value:,}" if isinstance(value, Decimal) else str(value)


def keepers_command(ctx: typer.Context, interval: Decimal = typer.Option(
        "2", help="Seconds between passes.",
        parser=cli_decimal("--interval", 0, 3600, places=3, above_low=True))) -> None:
    """Run the paper venue's keepers (funding, triggers, liquidations) until stopped."""
    st = state(ctx)
    open_local = _local_venue(st.settings)
    with open_database(st.settings) as db:
        migrate(db)
        parts = open_local(db)
        keeper = build_keeper(parts)
        st.console.print(f"keepers running as {parts.keeper.pubkey} every {interval}s")

        async def main() -> None:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            await run_keepers(keeper, time.time, interval_s=float(interval), stop=stop)

        asyncio.run(main())


def keepers_service(settings: Settings) -> ServiceSpec:
    return ServiceSpec(name="keepers", argv=[sys.executable, "-m", "quantdesk", "keepers"])
