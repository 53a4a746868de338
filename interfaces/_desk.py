"""What every surface shows around the chat, so a trader always knows where they
are: PAPER or LIVE and on which venue, which model answers, whether prices are
replayed, whether prices are flowing at all, and the trader's equity and free
collateral. Shared by the web page's header and the terminal chat."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from urllib.parse import urlparse

from quantdesk import display as show
from quantdesk.config import Settings
from quantdesk.db import Database
from quantdesk.exchange import venue_kind
from quantdesk.ingest import read_status
from tools import Toolbox, ToolContext

PRICES_FRESH_S = 15  # the ingest service reports about once a second
REPLAY_LABEL = "Replayed prices: derived from Binance 1m candles, not live Pyth"
START_PRICES = "start them with `quantdesk run` (or `quantdesk ingest run` beside this chat)"


@dataclass(frozen=True)
class DeskContext:
    mode: str  # PAPER or LIVE
    venue: str  # "paper venue", "Solana devnet", ...
    model: str  # who answers: the offline parser, or the configured LLM
    llm: bool
    replay: str | None  # the replay label while prices are replayed
    prices: str | None  # None while prices flow; otherwise what is wrong and how to start them

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def _cluster(rpc_url: str) -> str:
    host = (urlparse(rpc_url).hostname or rpc_url).lower()
    for name in ("devnet", "testnet", "mainnet"):
        if name in host:
            return f"Solana {name}"
    if host in ("localhost", "127.0.0.1", "::1"):
        return "Solana localnet"
    return f"Solana via {host}"


def desk_context(settings: Settings, db: Database, now: datetime) -> DeskContext:
    """The venue, model and price feed as they are now (reads the ingest service's status)."""
    live = venue_kind(settings.venue).live
    llm = settings.mikey_model != "rules"
    status = read_status(db)
    prices: str | None = None
    if status is None:
        prices = f"No prices are flowing: the market-data service has never run here; {START_PRICES}."
    elif status.role == "stopped" or (now - status.updated_at).total_seconds() > PRICES_FRESH_S:
        prices = f"No prices are flowing: the market-data service is not running; {START_PRICES}."
    source = status.source if status is not None else settings.pyth_source
    return DeskContext(
        mode="LIVE" if live else "PAPER", venue=_cluster(settings.solana_rpc_url) if live else "paper venue",
        model=settings.mikey_model if llm else "offline parser (no LLM)", llm=llm,
        replay=REPLAY_LABEL if source == "replay" else None, prices=prices)


async def account_summary(toolbox: Toolbox, user_id: str, now: datetime) -> dict[str, str] | None:
    """Equity and free collateral, formatted; None before the trader has an account."""
    outcome = await toolbox.call("get_account", {}, ToolContext(user_id=user_id, thread_id=f"desk:{user_id}",
                                                                now=now))
    account = outcome.data.get("account") if not outcome.error else None
    if not account:
        return None
    return {"equity": show.money(account.get("equity")), "free_collateral": show.money(account.get("free_collateral"))}
