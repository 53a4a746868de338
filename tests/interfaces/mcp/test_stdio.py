"""`quantdesk mcp` over stdio, as Claude Desktop starts it: a subprocess, the SDK's own
stdio client, the user of MIKEY_MCP_API_KEY; and without a usable key, one `error:`
line and exit code 2 before anything is served; and `quantdesk mcp --http` as its own process."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from interfaces.mcp import PATH
from tests.doubles.loopback import free_port
from tests.interfaces.mcp.conftest import McpWorld, payload, text_of

QUANTDESK = str(Path(sys.executable).parent / "quantdesk")
pytestmark = pytest.mark.slow


def _env(world: McpWorld, **extra: str) -> dict[str, str]:
    s = world.settings
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/root"),
           "DATABASE_URL": world.db.url, "QUANTDESK_DATA_DIR": str(s.data_dir),
           "QUANTDESK_PRICE_MAX_AGE_S": str(s.price_max_age_s), "QUANTDESK_API_PORT": str(s.api_port),
           "QUANTDESK_KNOWLEDGE_DIR": str(s.knowledge_dir), "QUANTDESK_LOG_FORMAT": "json"}
    return {**env, **extra}


async def test_over_stdio_reads_and_a_proposal_the_owner_approves_through_the_chat_api(
        mcp_world: McpWorld, tmp_path: Path) -> None:
    key = mcp_world.key("kim")
    server = StdioServerParameters(command=QUANTDESK, args=["mcp"], env=_env(mcp_world, MIKEY_MCP_API_KEY=key))
    with (tmp_path / "stderr.log").open("w+") as errlog:
        async with stdio_client(server, errlog=errlog) as (read, write), ClientSession(read, write) as session:
            init = await session.initialize()
            assert init.serverInfo.name == "quantdesk-mikey"
            tools = {t.name: t for t in (await session.list_tools()).tools}
            assert tools["get_price"].annotations.readOnlyHint is True  # type: ignore[union-attr]
            price = payload(await session.call_tool("get_price", {"market": "BTC-PERP"}))["data"]
            assert Decimal(price["price"]) == Decimal("95000") and price["quality"] == "ok"
            result = await session.call_tool("propose_order", {"market": "ETH-PERP", "side": "long", "size": "0.1",
                                                               "leverage": "2"})
            assert not result.isError, text_of(result)
            proposal = payload(result)["data"]
            assert payload(result)["ticket"]["user_id"] == "kim"
            assert mcp_world.ticket_status(proposal["ticket_hash"]) == "pending"
            assert proposal["approve"]["ticket_url"].startswith(mcp_world.api)
            with mcp_world.api_client(key) as api:
                decided = api.post(f"/v1/tickets/{proposal['ticket_hash']}/approve")
            assert decided.status_code == 200 and decided.json()["status"] == "executed", decided.text
            positions = payload(await session.call_tool("get_positions", {}))["data"]["positions"]
            assert [(p["market"], Decimal(p["size"])) for p in positions] == [("ETH-PERP", Decimal("0.1"))]
        errlog.seek(0)
        assert '"event": "mcp.ready"' in errlog.read()  # logs went to stderr; stdout held only the protocol


@pytest.mark.parametrize(("key", "said"), [
    (None, "error: no API key for the MCP server: set MIKEY_MCP_API_KEY"),
    ("qd_0123456789ab_" + "x" * 43, "error: the API key in MIKEY_MCP_API_KEY is not valid or was revoked"),
])
def test_without_a_usable_key_it_says_what_is_missing_in_one_error_line(mcp_world: McpWorld, key: str | None,
                                                                        said: str) -> None:
    env = _env(mcp_world, **({"MIKEY_MCP_API_KEY": key} if key else {}), COLUMNS="500")
    done = subprocess.run([QUANTDESK, "mcp"], env=env, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL)
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert done.returncode == 2 and done.stdout == ""
    assert len(errors) == 1 and errors[0].startswith(said), done.stderr


async def test_the_http_command_serves_the_endpoint_with_bearer_keys(mcp_world: McpWorld) -> None:
    """`quantdesk mcp --http` as an operator runs it: its own process, the SDK's HTTP client."""
    port = free_port()
    process = subprocess.Popen([QUANTDESK, "mcp", "--http"], env=_env(mcp_world, QUANTDESK_MCP_PORT=str(port)),
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    endpoint = f"http://127.0.0.1:{port}{PATH}"
    try:
        async with httpx.AsyncClient(timeout=5) as client:
            for _ in range(600):
                assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
                try:
                    if (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            assert (await client.post(endpoint, json={})).status_code == 401
        world = McpWorld(mcp_world.api, endpoint, mcp_world.db, mcp_world.settings, mcp_world.clock)
        async with world.http_session(world.key("lena")) as session:
            account = await session.call_tool("get_account", {})
        assert not account.isError and Decimal(payload(account)["data"]["account"]["equity"]) == 10_000  # welcome
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0 or process.returncode in (-15, 143)
