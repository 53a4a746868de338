"""RPC error objects, including the ones without ``data`` that make solders'
typed parsers panic, become VenueErrors; polling shrugs off a flaky node."""

from __future__ import annotations

import json

import pytest
from solders.rpc.responses import GetBlockHeightResp, GetLatestBlockhashResp, SendTransactionResp

from quantdesk.errors import VenueError
from quantdesk.exchange import PerpIdl, TransactionRejected
from quantdesk.exchange.solana import RpcError, RpcUnavailable, SolanaVenue, parse_guarded
from tests.doubles.loopback import free_port
from tests.quantdesk.exchange.solana.conftest import SolanaWorld, market_order, open_account, place, sign

NODE_BEHIND = {"code": -32005, "message": "Node is behind by 42 slots"}


def test_solders_panics_on_an_error_object_without_data() -> None:
    """Why the venue never hands error objects to solders (solana 0.36.6 / solders 0.26.0)."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "error": NODE_BEHIND})
    with pytest.raises(BaseException) as panic:  # noqa: PT011 - the point is that it is not an Exception
        SendTransactionResp.from_json(body)
    assert type(panic.value).__name__ == "PanicException" and not isinstance(panic.value, Exception)
    with pytest.raises(RpcUnavailable, match="panic"):
        parse_guarded(SendTransactionResp, body, "sendTransaction")


def test_a_result_that_does_not_parse_is_rpc_unavailable() -> None:
    with pytest.raises(RpcUnavailable, match="does not parse"):
        parse_guarded(GetLatestBlockhashResp, json.dumps({"jsonrpc": "2.0", "id": 1, "result": {"value": 3}}),
                      "getLatestBlockhash")


def test_an_error_object_where_a_result_was_expected_is_rpc_unavailable() -> None:
    # solders parses some error objects (not all panic) into its own error classes; the venue
    # must never take one for the result it asked for.
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "error": {"code": -32601, "message": "Method not found"}})
    with pytest.raises(RpcUnavailable, match="not a GetBlockHeightResp"):
        parse_guarded(GetBlockHeightResp, body, "getBlockHeight")
    assert parse_guarded(GetBlockHeightResp, json.dumps({"jsonrpc": "2.0", "id": 1, "result": 7}),
                         "getBlockHeight").value == 7


async def test_an_error_without_data_is_a_venue_error_not_a_panic(solana_world: SolanaWorld) -> None:
    solana_world.double.faults.errors["getLatestBlockhash"] = [dict(NODE_BEHIND)]
    async with solana_world.open_venue() as venue:
        with pytest.raises(RpcError) as failed:
            await venue.latest_blockhash()
        assert failed.value.code == -32005 and "Node is behind" in str(failed.value)
        assert (await venue.latest_blockhash()).last_valid_slot > 0  # the next call is fine


async def test_a_node_refusing_the_send_is_reported_and_nothing_lands(solana_world: SolanaWorld) -> None:
    async with solana_world.open_venue() as venue:
        alice = await open_account(solana_world, venue, usdc=1_000)
        raw = await sign(venue, alice, place(solana_world, alice, 0, market_order("Buy", 1, 2)))
        solana_world.double.faults.errors["sendTransaction"] = [dict(NODE_BEHIND)]
        with pytest.raises(VenueError, match="Node is behind"):
            await venue.submit(raw)
    assert solana_world.executor.state().user(bytes(alice.pubkey)).positions == ()  # type: ignore[union-attr]


async def test_errors_while_polling_do_not_end_the_wait(solana_world: SolanaWorld) -> None:
    async with solana_world.open_venue() as venue:
        alice = await open_account(solana_world, venue, usdc=1_000)
        raw = await sign(venue, alice, place(solana_world, alice, 0, market_order("Buy", 1, 2)))
        # The first status check (before simulating) must succeed; the polls after the send fail twice.
        solana_world.double.faults.errors["getSignatureStatuses"] = []
        solana_world.double.faults.before["sendTransaction"] = lambda: solana_world.double.faults.errors[
            "getSignatureStatuses"].extend([dict(NODE_BEHIND), {"code": -32603, "message": "Internal error"}])
        result = await venue.submit(raw)
    assert result.ok


async def test_a_bad_signature_is_refused_by_simulation(solana_world: SolanaWorld) -> None:
    async with solana_world.open_venue() as venue:
        alice = await open_account(solana_world, venue, usdc=1_000)
        raw = bytearray(await sign(venue, alice, place(solana_world, alice, 0, market_order("Buy", 1, 2))))
        raw[5] ^= 0xFF  # inside the first signature
        with pytest.raises(TransactionRejected) as refused:
            await venue.submit(bytes(raw))
    assert refused.value.code == "SignatureFailure"
    assert solana_world.double.count("sendTransaction") == 2  # the account opening only


async def test_an_unreachable_rpc_is_rpc_unavailable() -> None:
    async with SolanaVenue(f"http://127.0.0.1:{free_port()}", PerpIdl.load(), rpc_timeout_s=1.0) as venue:
        with pytest.raises(RpcUnavailable, match="getLatestBlockhash"):
            await venue.latest_blockhash()
