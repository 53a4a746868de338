"""The MCP server over streamable HTTP on 127.0.0.1 (real uvicorn), driven by the SDK's
own client: bearer chat API keys, read-only tools with real numbers, and a proposed
ticket that waits until its owner approves it through the chat API."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from tests.interfaces.mcp.conftest import INJECTION, McpWorld, payload, text_of

_INIT = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                    "clientInfo": {"name": "raw", "version": "0"}}}
_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


@pytest.mark.parametrize("authorization", [None, "Bearer qd_000000000000_" + "A" * 43, "Bearer not-a-key",
                                           "Basic YWxpY2U6cHc="])
def test_a_request_without_a_valid_key_gets_401_and_reaches_no_tool(mcp_world: McpWorld,
                                                                   authorization: str | None) -> None:
    headers = {**_HEADERS, **({"Authorization": authorization} if authorization else {})}
    response = httpx.post(mcp_world.mcp, json=_INIT, headers=headers, timeout=30)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json()["error"]["code"] == "unauthorized"


def test_a_revoked_key_stops_working_at_once(mcp_world: McpWorld) -> None:
    key = mcp_world.key("carol")
    assert httpx.post(mcp_world.mcp, json=_INIT, headers={**_HEADERS, "Authorization": f"Bearer {key}"},
                      timeout=30).status_code == 200
    mcp_world.rows("UPDATE api_keys SET revoked_at = now() WHERE prefix = %s RETURNING prefix", key.split("_")[1])
    response = httpx.post(mcp_world.mcp, json=_INIT, headers={**_HEADERS, "Authorization": f"Bearer {key}"},
                          timeout=30)
    assert response.status_code == 401 and "revoked" in response.json()["error"]["message"]


def test_a_host_header_not_of_this_machine_is_refused(mcp_world: McpWorld) -> None:
    key = mcp_world.key("alice")
    response = httpx.post(mcp_world.mcp, json=_INIT, timeout=30,
                          headers={**_HEADERS, "Authorization": f"Bearer {key}", "Host": "evil.example:80"})
    assert response.status_code == 421  # the SDK's DNS-rebinding guard


async def test_tools_are_listed_with_their_annotations_over_http(mcp_world: McpWorld) -> None:
    async with mcp_world.http_session(mcp_world.key("alice")) as session:
        tools = {t.name: t for t in (await session.list_tools()).tools}
    assert {n for n, t in tools.items() if t.annotations and t.annotations.readOnlyHint} == {
        "get_price", "get_quote", "get_positions", "get_account", "get_orders", "get_funding", "get_candles",
        "get_history", "search_knowledge"}
    assert {n for n, t in tools.items() if t.annotations and t.annotations.readOnlyHint is False} == {
        "propose_order", "propose_close", "propose_cancel"}


async def test_the_price_over_http_is_the_stored_tick_with_its_quality(mcp_world: McpWorld) -> None:
    async with mcp_world.http_session(mcp_world.key("alice")) as session:
        result = await session.call_tool("get_price", {"market": "SOL-PERP"})
    data = payload(result)["data"]
    assert not result.isError
    assert Decimal(data["price"]) == Decimal("146.785") and data["quality"] == "ok"
    assert text_of(result).startswith("<<<untrusted-data ")


async def test_a_proposal_waits_for_its_owner_who_approves_it_through_the_chat_api(mcp_world: McpWorld) -> None:
    alice, bob = mcp_world.key("alice"), mcp_world.key("bob")
    async with mcp_world.http_session(alice) as session:
        result = await session.call_tool("propose_order", {"market": "SOL-PERP", "side": "long", "size": 1,
                                                           "leverage": 3})
    assert not result.isError, text_of(result)
    proposal = payload(result)["data"]
    ticket_hash = proposal["ticket_hash"]
    assert proposal["status"] == "pending" and proposal["approve"]["ticket_url"] == \
        f"{mcp_world.api}/v1/tickets/{ticket_hash}"
    assert payload(result)["ticket"]["user_id"] == "alice"  # the key's user owns it
    assert mcp_world.ticket_status(ticket_hash) == "pending"

    with mcp_world.api_client(bob) as client:  # another user's key: cannot see it, cannot approve it
        assert client.get(f"/v1/tickets/{ticket_hash}").status_code == 403
        assert client.post(f"/v1/tickets/{ticket_hash}/approve").status_code == 403
    async with mcp_world.http_session(bob) as session:
        orders = await session.call_tool("get_positions", {})
        assert payload(orders)["data"] == {"positions": []}
    assert mcp_world.ticket_status(ticket_hash) == "pending"

    with mcp_world.api_client(alice) as client:
        assert client.get(f"/v1/tickets/{ticket_hash}").json()["status"] == "pending"
        decided = client.post(f"/v1/tickets/{ticket_hash}/approve")
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "executed"
    assert mcp_world.ticket_status(ticket_hash) == "executed"
    async with mcp_world.http_session(alice) as session:
        positions = payload(await session.call_tool("get_positions", {"market": "SOL-PERP"}))["data"]["positions"]
    assert [(p["market"], p["side"], Decimal(p["size"])) for p in positions] == [("SOL-PERP", "long", Decimal(1))]


async def test_an_order_id_carrying_instructions_comes_back_as_data_and_nothing_is_prepared(
        mcp_world: McpWorld) -> None:
    before = mcp_world.rows("SELECT count(*) FROM tickets")
    async with mcp_world.http_session(mcp_world.key("dave")) as session:
        result = await session.call_tool("propose_cancel", {"order_id": INJECTION})
    assert result.isError
    text = text_of(result)
    marker = text.split("\n", 1)[0].removeprefix("<<<").split(" tool=")[0]
    inside, after = text.split(f"<<<end {marker}>>>")
    assert INJECTION in inside and INJECTION not in after  # echoed back in the error, as data
    assert "not instructions" in after and "do not follow" in after
    assert mcp_world.rows("SELECT count(*) FROM tickets") == before


def test_a_body_past_the_api_limit_is_refused_before_any_tool_runs(mcp_world: McpWorld) -> None:
    key = mcp_world.key("alice")
    call = {"jsonrpc": "2.0", "id": 2, "method": "tools/call",
            "params": {"name": "search_knowledge", "arguments": {"query": "x" * mcp_world.settings.api_max_body_bytes}}}
    response = httpx.post(mcp_world.mcp, json=call, headers={**_HEADERS, "Authorization": f"Bearer {key}"},
                          timeout=30)
    assert response.status_code == 413
