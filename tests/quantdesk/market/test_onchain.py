"""The on-chain source through solana-py's real RPC client against a Solana
JSON-RPC double on 127.0.0.1 serving the real Pyth account bytes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from quantdesk.market import FeedRegistry, OnchainSource, PriceUpdate, RateLimited, SourceError, make_source
from tests.conftest import make_settings
from tests.quantdesk.market.conftest import ETH, SOL, legacy_account, v2_account
from tests.quantdesk.market.doubles import RpcDouble, Status


async def _collect(updates: AsyncIterator[PriceUpdate], n: int, timeout_s: float = 10) -> list[PriceUpdate]:
    out: list[PriceUpdate] = []

    async def take() -> None:
        async for u in updates:
            out.append(u)
            if len(out) == n:
                return

    await asyncio.wait_for(take(), timeout_s)
    return out


def _registry_accounts(registry: FeedRegistry) -> dict[str, bytes]:
    """The registry's sponsored accounts, holding real PriceUpdateV2 bytes of the right feed where we
    have them (SOL's is its own account; ETH's bytes come from another ETH/USD account) and, for BTC,
    WBTC bytes — a different feed, which must be refused."""
    return {registry.get("SOL").price_account: v2_account("sol_usd_7UVimffx")[1],  # type: ignore[dict-item]
            registry.get("ETH").price_account: v2_account("eth")[1],  # type: ignore[dict-item]
            registry.get("BTC").price_account: v2_account("wbtc")[1]}  # type: ignore[dict-item]


async def test_registry_accounts_are_read_and_a_wrong_feed_is_refused(registry: FeedRegistry) -> None:
    async with RpcDouble(_registry_accounts(registry), slot=272607200) as rpc:
        source = OnchainSource(rpc_url=rpc.url, accounts={f: f.price_account for f in registry},  # type: ignore[misc]
                               poll_interval_s=0.05)
        got = await _collect(source.session(), 2)
    by_feed = {u.feed_id: u for u in got}
    assert set(by_feed) == {SOL, ETH}
    assert (by_feed[SOL].price, by_feed[SOL].publish_time, by_feed[SOL].slot) == (13467731930, 1718727936, 272607101)
    assert (by_feed[ETH].price, by_feed[ETH].conf, by_feed[ETH].ema_price) == (240864500000, 139993250, 241413530000)
    assert all(u.source == "onchain" for u in got)
    assert source.stats()["undecodable"] == 1  # BTC's account holds WBTC
    call = rpc.calls[0]
    assert call["method"] == "getMultipleAccounts" and call["params"][1]["commitment"] == "confirmed"


async def test_unchanged_accounts_are_not_delivered_twice(registry: FeedRegistry) -> None:
    sol = registry.get("SOL")
    older = v2_account("sol_usd_BAtFj4kQttZRVep3UZS2aZRDixkGYgWsbqTBVDbnSsPF_1734648611")[1]
    newer = v2_account("sol_usd_BAtFj4kQttZRVep3UZS2aZRDixkGYgWsbqTBVDbnSsPF_1734721506")[1]
    async with RpcDouble({str(sol.price_account): older}) as rpc:
        source = OnchainSource(rpc_url=rpc.url, accounts={sol: str(sol.price_account)}, poll_interval_s=0.02)
        updates = source.session()
        [first] = await _collect(updates, 1)
        waiting = asyncio.create_task(_collect(updates, 1))
        async with asyncio.timeout(5):
            while len(rpc.calls) < 4:  # a few polls see the same bytes
                await asyncio.sleep(0.01)
        rpc.accounts[str(sol.price_account)] = newer  # the same account's later real snapshot
        [second] = await waiting
        await updates.aclose()  # type: ignore[attr-defined]
    assert (first.publish_time, second.publish_time) == (1734648611, 1734721506)
    assert source.stats()["duplicates"] >= 3


async def test_legacy_push_account_read_via_override(aapl_registry: FeedRegistry) -> None:
    aapl = aapl_registry.get("AAPL/USD")
    address, data = legacy_account("aapl")
    async with RpcDouble({address: data}, slot=197635583 + 5) as rpc:
        source = OnchainSource(rpc_url=rpc.url, accounts={aapl: address}, poll_interval_s=0.05)
        [u] = await _collect(source.session(), 1)
    assert (u.price, u.conf, u.expo, u.status, u.publish_time) == (23623373, 14454, -5, "trading", 1739388661)


async def test_rpc_429_becomes_rate_limited_with_retry_after(registry: FeedRegistry) -> None:
    sol = registry.get("SOL")
    async with RpcDouble({}) as rpc:
        rpc.failures = [Status(429, "rate limited", {"Retry-After": "7"})]
        source = OnchainSource(rpc_url=rpc.url, accounts={sol: str(sol.price_account)})
        with pytest.raises(RateLimited) as err:
            await _collect(source.session(), 1)
    assert err.value.retry_after_s == 7.0


async def test_rpc_error_object_and_missing_accounts_are_source_errors(registry: FeedRegistry) -> None:
    sol = registry.get("SOL")
    async with RpcDouble({}) as rpc:
        rpc.failures = [{"code": -32005, "message": "Node is behind by 42 slots"}]
        source = OnchainSource(rpc_url=rpc.url, accounts={sol: str(sol.price_account)})
        with pytest.raises(SourceError, match="returned an error"):
            await _collect(source.session(), 1)
        with pytest.raises(SourceError, match="none of the 1 price accounts exist") as err:
            await _collect(source.session(), 1)
    assert err.value.permanent


async def test_settings_pick_the_onchain_source_and_override_an_account(registry: FeedRegistry,
                                                                       tmp_path: Path) -> None:
    address, data = v2_account("sol_usd_BAtFj4kQttZRVep3UZS2aZRDixkGYgWsbqTBVDbnSsPF_1734648611")
    async with RpcDouble({address: data}) as rpc:
        settings = make_settings(tmp_path, pyth_source="onchain", solana_rpc_url=rpc.url,
                                 onchain_accounts={"SOL/USD": address}, onchain_poll_interval_ms=50)
        source = make_source(settings, registry)
        assert source.name == "onchain"
        [u] = await _collect(source.session(), 1)
    assert u.feed_id == SOL and u.price == 19618693617
    assert [k for k in rpc.calls[0]["params"][0]][0] == address
