"""Who may call the API, how much, and with what: bearer keys on every /v1 route,
a token bucket per key, body and message limits, one error shape, request ids."""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
from pathlib import Path

import httpx
from psycopg_pool import AsyncConnectionPool

from quantdesk.users import ApiKeyGate
from tests.interfaces.api.conftest import ApiWorld, api_settings, serving

ERROR_KEYS = {"error"}


def error(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert set(body) == ERROR_KEYS and set(body["error"]) == {"code", "message"}, body
    assert body["error"]["code"] == code, body
    assert "Traceback" not in response.text and 'File "' not in response.text
    return str(body["error"]["message"])


def test_every_v1_route_needs_a_valid_unrevoked_key(api: ApiWorld, alice: str) -> None:
    routes = [("GET", "/v1/positions"), ("GET", "/v1/orders"), ("GET", "/v1/account"), ("GET", "/v1/prices/SOL"),
              ("GET", "/v1/threads/t1"), ("POST", "/v1/threads/t1/runs"), ("GET", f"/v1/tickets/{'ab' * 32}"),
              ("POST", f"/v1/tickets/{'ab' * 32}/approve"), ("POST", f"/v1/tickets/{'ab' * 32}/reject"),
              ("POST", "/v1/chat/completions")]
    revoked = api.key("alice")
    api.keys.revoke(revoked[:15])
    forged = alice[:16] + ("A" if alice[16] != "A" else "B") + alice[17:]
    for method, path in routes:
        with api.client(None) as anonymous:
            refused = anonymous.request(method, path, json={"message": "hi"})
            assert "send an API key" in error(refused, 401, "unauthorized")
            assert refused.headers["www-authenticate"] == "Bearer"
        for bad in ("not-a-key", forged, revoked):
            with api.client(bad) as client:
                assert "not valid or was revoked" in error(client.request(method, path, json={"message": "hi"}),
                                                           401, "unauthorized")
    with api.client(None) as anonymous:
        assert error(anonymous.get("/v1/positions", headers={"Authorization": f"Basic {alice}"}),
                     401, "unauthorized")
        assert anonymous.get("/healthz").json() == {"status": "ok"}  # the probes are open
    with api.client(alice) as client:
        assert client.get("/v1/positions").status_code == 200
        [(last_used,)] = api.rows("SELECT last_used_at FROM api_keys WHERE prefix = %s", alice[3:15])
        assert last_used is not None


def test_a_key_past_its_bucket_gets_429_with_retry_after(api: ApiWorld, tmp_path: Path) -> None:
    tight = api_settings(tmp_path / "data", api.db, api_rate_per_s=0.5, api_rate_burst=5)
    key = api.key("alice")
    with serving(tight) as base, httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}) as client:
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            responses = list(pool.map(lambda _: client.get("/v1/prices/SOL"), range(12)))
        assert sorted(r.status_code for r in responses) == [200] * 5 + [429] * 7
        limited = next(r for r in responses if r.status_code == 429)
        assert f"too many requests with key {key[:15]}" in error(limited, 429, "rate_limited")
        assert 1 <= int(limited.headers["retry-after"]) <= 2
        other = client.get("/v1/prices/SOL", headers={"Authorization": f"Bearer {api.key('bob')}"})
        assert other.status_code == 200  # a key's bucket is its own


async def test_concurrent_requests_take_one_token_each_across_pools(api: ApiWorld) -> None:
    """Two pools (as two API processes would have), 40 requests at once, a bucket of 10:
    exactly 10 pass; the row lock makes each request see the one before it."""
    key = api.key("alice")
    pools = [AsyncConnectionPool(api.db.url, min_size=1, max_size=10, open=False, kwargs={"autocommit": True})
             for _ in range(2)]
    for pool in pools:
        await pool.open()
    try:
        gates = [ApiKeyGate(pool, rate_per_s=0.001, burst=10) for pool in pools]
        checks = await asyncio.gather(*(gates[i % 2].check(key) for i in range(40)))
    finally:
        for pool in pools:
            await pool.close()
    assert {c.user_id for c in checks} == {"alice"}
    assert sum(1 for c in checks if c.retry_after_s == 0) == 10


def test_malformed_json_oversized_bodies_and_long_messages_are_refused(api: ApiWorld, alice: str) -> None:
    with api.client(alice, headers={"Content-Type": "application/json"}) as client:
        assert error(client.post("/v1/threads/t-bad/runs", content=b'{"message": "hi"'), 400,
                     "malformed_json") == "the request body is not valid JSON"
        big = b'{"message": "' + b"x" * api.settings.api_max_body_bytes + b'"}'
        assert error(client.post("/v1/threads/t-bad/runs", content=big), 413, "body_too_large")
        chunked = client.post("/v1/threads/t-bad/runs", content=iter([big[:2000], big[2000:]]))
        assert error(chunked, 413, "body_too_large")
        long = "x" * (api.settings.api_max_message_chars + 1)
        assert "at most 500 characters" in error(client.post("/v1/threads/t-bad/runs", json={"message": long}),
                                                 422, "message_too_long")
        assert error(client.post("/v1/threads/t-bad/runs", json={"text": "hi"}), 422, "invalid_request")
        assert error(client.post("/v1/threads/bad%20id/runs", json={"message": "hi"}), 422, "invalid_request")
        assert error(client.get("/v1/nothing-here"), 404, "not_found")
        assert error(client.delete("/v1/positions"), 405, "method_not_allowed")
    assert api.rows("SELECT count(*) FROM api_runs WHERE thread_id LIKE 'api:alice:t-bad'") == [(0,)]


def test_every_response_carries_a_request_id_and_cors_is_off(api: ApiWorld, alice: str) -> None:
    with api.client(alice) as client:
        first = client.get("/v1/positions")
        assert re.fullmatch(r"[0-9a-f]{16}", first.headers["x-request-id"])
        assert client.get("/v1/positions", headers={"X-Request-ID": "trace-42"}).headers["x-request-id"] == "trace-42"
        assert re.fullmatch(r"[0-9a-f]{16}", client.get("/v1/positions", headers={
            "X-Request-ID": "no spaces; or {braces}" * 3}).headers["x-request-id"])
        crossed = client.get("/v1/positions", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in crossed.headers
        preflight = client.options("/v1/positions", headers={"Origin": "https://evil.example",
                                                             "Access-Control-Request-Method": "GET"})
        assert "access-control-allow-origin" not in preflight.headers


def test_the_openapi_document_and_docs_are_published(api: ApiWorld) -> None:
    with api.client(None) as client:
        spec = client.get("/openapi.json").json()
        assert {"/v1/threads/{thread_id}/runs", "/v1/tickets/{ticket_hash}/approve", "/v1/chat/completions",
                "/v1/prices/{symbol}", "/readyz", "/healthz"} <= set(spec["paths"])
        assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
        assert "swagger-ui" in client.get("/docs").text
