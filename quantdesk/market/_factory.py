"""Building the configured price source from settings."""

from __future__ import annotations

from quantdesk.config import Settings
from quantdesk.errors import ConfigError
from quantdesk.market._errors import PriceUnavailable
from quantdesk.market._hermes import HermesSource
from quantdesk.market._onchain import OnchainSource
from quantdesk.market._registry import Feed, FeedRegistry, default_replay_dir
from quantdesk.market._replay import ReplaySource
from quantdesk.market._source import PriceSource

__all__ = ["make_source"]


def _onchain_accounts(settings: Settings, registry: FeedRegistry) -> dict[Feed, str]:
    accounts = {f: f.price_account for f in registry if f.price_account}
    for symbol, address in settings.onchain_accounts.items():
        try:
            accounts[registry.get(symbol)] = address
        except PriceUnavailable as exc:
            raise ConfigError(f"QUANTDESK_ONCHAIN_ACCOUNTS: {exc}") from None
    return {f: a for f, a in accounts.items() if a}


def make_source(settings: Settings, registry: FeedRegistry) -> PriceSource:
    """The source ``settings.pyth_source`` names, over every feed in ``registry``."""
    if settings.pyth_source == "hermes":
        return HermesSource(base_url=settings.hermes_url, feeds=list(registry), api_key=settings.hermes_api_key)
    if settings.pyth_source == "onchain":
        return OnchainSource(rpc_url=settings.solana_rpc_url, accounts=_onchain_accounts(settings, registry),
                             poll_interval_s=settings.onchain_poll_interval_ms / 1000)
    data_dir = settings.replay_data_dir or default_replay_dir()
    try:
        return ReplaySource(list(registry), data_dir, speed=settings.replay_speed, loop=settings.replay_loop)
    except (FileNotFoundError, ValueError) as exc:
        raise ConfigError(f"replay source: {exc}") from None
