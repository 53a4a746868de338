"""Native runs: a message in, the turn's events out, as server-sent events (read
with a real SSE client, httpx-sse) or as one JSON body; a dropped stream resumes
with Last-Event-ID without running the turn again; threads belong to their user."""

from __future__ import annotations

import json
import re
from typing import Any

from httpx_sse import connect_sse

from tests.interfaces.api.conftest import ApiWorld

SSE = {"Accept": "text/event-stream"}


def stream(api: ApiWorld, key: str, thread: str, message: str, **headers: str) -> list[dict[str, Any]]:
    with api.client(key) as client, connect_sse(client, "POST", f"/v1/threads/{thread}/runs",
                                                json={"message": message}, headers={**SSE, **headers}) as source:
        assert source.response.headers["content-type"].startswith("text/event-stream")
        return [{"id": e.id, "event": e.event, "data": json.loads(e.data)} for e in source.iter_sse()]


def test_a_run_streams_ag_ui_named_events_ending_in_run_finished(api: ApiWorld, alice: str) -> None:
    events = stream(api, alice, "t-price", "what's SOL doing?")
    assert [e["event"] for e in events] == ["run_started", "tool_call_start", "tool_call_end", "text_delta",
                                            "run_finished"]
    run_id = events[0]["data"]["run_id"]
    assert [e["id"] for e in events] == [f"{run_id}:{n}" for n in range(1, 6)]
    assert events[1]["data"] == {"tool_call_id": events[1]["data"]["tool_call_id"], "name": "get_price",
                                 "args": {"market": "SOL-PERP"}}
    assert events[2]["data"]["status"] == "success" and events[2]["data"]["data"]["quality"] == "ok"
    assert "SOL-PERP: $146.78" in events[3]["data"]["delta"]
    assert events[-1]["data"] == {"run_id": run_id, "outcome": "success"}


def test_without_an_sse_accept_the_body_holds_every_event_and_a_ticket_every_field(api: ApiWorld,
                                                                                   alice: str) -> None:
    with api.client(alice) as client:
        body = client.post("/v1/threads/t-ticket/runs", json={"message": "long 1 SOL 2x"}).json()
    assert body["thread_id"] == "t-ticket" and body["outcome"] == "interrupt"
    names = [e["event"] for e in body["events"]]
    assert names == ["run_started", "tool_call_start", "tool_call_end", "ticket", "run_finished"]
    ticket = body["events"][3]["data"]
    fields = ticket["ticket"]
    assert re.fullmatch(r"[0-9a-f]{64}", fields["ticket_hash"])
    assert {"user_id", "thread_id", "kind", "params", "summary", "price_bound", "outcome", "risk", "message_b64",
            "created_at", "expires_at"} <= set(fields)
    assert fields["user_id"] == "alice" and fields["summary"] == "Long 1 SOL-PERP at market, 2x"
    assert fields["outcome"]["fill_price"] and fields["outcome"]["liquidation_price"]
    assert re.fullmatch(r"[A-HJKMNP-TV-Z][2-9][A-HJKMNP-TV-Z][2-9]", ticket["voice_code"])
    assert ticket["approve_path"] == f"/v1/tickets/{fields['ticket_hash']}/approve"
    assert body["events"][-1]["data"]["outcome"] == "interrupt"


def test_last_event_id_resumes_a_dropped_stream_without_running_the_turn_again(api: ApiWorld, alice: str) -> None:
    with api.client(alice) as client:
        with connect_sse(client, "POST", "/v1/threads/t-resume/runs", json={"message": "long 1 SOL 2x"},
                         headers=SSE) as source:
            seen = []
            for event in source.iter_sse():
                seen.append(event)
                if len(seen) == 2:
                    break  # the connection drops here
        resumed = stream(api, alice, "t-resume", "long 1 SOL 2x", **{"Last-Event-ID": seen[-1].id})
    run_id = seen[0].id.split(":")[0]
    assert [e["id"] for e in resumed] == [f"{run_id}:{n}" for n in range(3, 3 + len(resumed))]
    assert [e["event"] for e in resumed] == ["tool_call_end", "ticket", "run_finished"]
    # The turn ran once: one message audited, one ticket, one user message in the thread.
    assert api.rows("SELECT count(*) FROM audit_log WHERE event = 'message' AND thread_id = 'api:alice:t-resume'") \
        == [(1,)]
    assert api.rows("SELECT count(*) FROM tickets WHERE thread_id = 'api:alice:t-resume'") == [(1,)]
    with api.client(alice) as client:
        thread = client.get("/v1/threads/t-resume").json()
        again = client.post("/v1/threads/t-resume/runs", json={"message": "ignored"},
                            headers={"Last-Event-ID": f"{run_id}:0"}).json()
    assert [m["role"] for m in thread["messages"]].count("user") == 1
    assert thread["pending_ticket"]["ticket_hash"] == resumed[1]["data"]["ticket"]["ticket_hash"]
    assert len(again["events"]) == 5 and again["outcome"] == "interrupt"  # a finished run, replayed whole


def test_a_run_can_only_be_resumed_by_its_user_in_its_thread(api: ApiWorld, alice: str, bob: str) -> None:
    with api.client(alice) as client:
        run_id = client.post("/v1/threads/t-mine/runs", json={"message": "price sol"}).json()["run_id"]
    for key, thread in ((bob, "t-mine"), (alice, "t-other")):
        with api.client(key) as client:
            refused = client.post(f"/v1/threads/{thread}/runs", json={"message": "x"},
                                  headers={"Last-Event-ID": f"{run_id}:1"})
            assert refused.status_code == 404 and refused.json()["error"]["code"] == "not_found"
    with api.client(alice) as client:
        bad = client.post("/v1/threads/t-mine/runs", json={"message": "x"}, headers={"Last-Event-ID": "42"})
        assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_last_event_id"


def test_a_thread_is_its_users_and_another_key_gets_404(api: ApiWorld, alice: str, bob: str) -> None:
    with api.client(alice) as client:
        client.post("/v1/threads/t-private/runs", json={"message": "price sol"})
        mine = client.get("/v1/threads/t-private").json()
        assert client.get("/v1/threads/t-never").status_code == 404
    assert mine["thread_id"] == "t-private" and mine["pending_ticket"] is None
    assert [m["role"] for m in mine["messages"]] == ["user", "tool", "assistant"]
    assert mine["messages"][0]["content"] == "price sol"
    with api.client(bob) as client:
        theirs = client.get("/v1/threads/t-private")
        assert theirs.status_code == 404 and theirs.json()["error"] == {"code": "not_found",
                                                                        "message": "you have no thread t-private"}
        # Bob naming the same id talks in a thread of his own; Alice's is untouched.
        client.post("/v1/threads/t-private/runs", json={"message": "price btc"})
        assert [m["content"] for m in client.get("/v1/threads/t-private").json()["messages"]][0] == "price btc"
    with api.client(alice) as client:
        assert client.get("/v1/threads/t-private").json() == mine


def test_a_long_thread_reads_in_pages_back_to_its_start(api: ApiWorld, alice: str) -> None:
    with api.client(alice) as client:
        for n in range(4):
            client.post("/v1/threads/t-pages/runs", json={"message": f"price sol {n}" if n else "price sol"})
        client.post("/v1/threads/t-pages/runs", json={"message": "long 1 SOL 2x"})
        whole = client.get("/v1/threads/t-pages", params={"limit": 500}).json()
        newest = client.get("/v1/threads/t-pages", params={"limit": 3}).json()
        pages, before = [newest], newest["next_before"]
        while before is not None:
            page = client.get("/v1/threads/t-pages", params={"limit": 3, "before": before}).json()
            assert page["pending_ticket"] is None  # the waiting ticket comes with the newest page only
            pages.append(page)
            before = page["next_before"]
        refused = client.get("/v1/threads/t-pages", params={"limit": 0})
        too_many = client.get("/v1/threads/t-pages", params={"limit": 501})
    assert whole["next_before"] is None and newest["pending_ticket"] is not None
    assert newest["pending_ticket"] == whole["pending_ticket"]
    # Page by page, newest first, the pages put back together are the whole thread, in order, once each.
    joined = [m for page in reversed(pages) for m in page["messages"]]
    assert joined == whole["messages"] and len(pages) > 2
    assert [m["content"] for m in joined if m["role"] == "user"] == [
        "price sol", "price sol 1", "price sol 2", "price sol 3", "long 1 SOL 2x"]
    assert refused.status_code == 422 and too_many.status_code == 422
