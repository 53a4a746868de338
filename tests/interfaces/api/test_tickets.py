"""Tickets through the API: a trade end to end (ticket → approve by hash →
execution → position), rejection, unknown, expired and other users' tickets, and
voice approval by read-back of the ticket's code."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from interfaces.api import spoken_code, voice_code
from quantdesk.users import UserStore
from tests.interfaces.api.conftest import ApiWorld
from tests.interfaces.api.test_auth import error


def ticket_for(client: httpx.Client, thread: str, message: str = "long 1 SOL 2x") -> dict[str, Any]:
    body = client.post(f"/v1/threads/{thread}/runs", json={"message": message}).json()
    assert body["outcome"] == "interrupt", body
    return next(e["data"]["ticket"] for e in body["events"] if e["event"] == "ticket")


def sol_size(client: httpx.Client) -> Decimal:
    positions = client.get("/v1/positions", params={"market": "SOL-PERP"}).json()["positions"]
    return sum((Decimal(p["size"]) * (1 if p["side"] == "long" else -1) for p in positions), Decimal(0))


def audit(api: ApiWorld, ticket_hash: str) -> list[tuple[str, str]]:
    return api.rows("SELECT event, user_id FROM audit_log WHERE ticket_hash = %s ORDER BY id", ticket_hash)


@pytest.fixture
def voice(api: ApiWorld) -> Iterator[UserStore]:
    users = UserStore(api.db.pool)
    yield users
    for name in ("alice", "bob"):
        users.set_voice_approval(name, False)


def test_a_trade_end_to_end_ticket_approve_by_hash_execution_position(api: ApiWorld, alice: str) -> None:
    with api.client(alice) as client:
        before = sol_size(client)
        ticket = ticket_for(client, "t-trade")
        assert client.get(f"/v1/tickets/{ticket['ticket_hash']}").json()["status"] == "pending"
        decided = client.post(f"/v1/tickets/{ticket['ticket_hash']}/approve")
        assert decided.status_code == 200, decided.text
        body = decided.json()
        assert body["status"] == "executed" and body["ticket_hash"] == ticket["ticket_hash"]
        [execution] = [e["data"] for e in body["events"] if e["event"] == "execution"]
        assert execution["ok"] is True and execution["text"].startswith("Filled: bought 1 SOL-PERP")
        assert sol_size(client) == before + 1
        stored = client.get(f"/v1/tickets/{ticket['ticket_hash']}").json()
        assert stored["status"] == "executed" and stored["signature"] == execution["signature"]
        assert stored["thread_id"] == "t-trade" and stored["ticket"] == ticket
        assert client.get("/v1/threads/t-trade").json()["pending_ticket"] is None
        again = client.post(f"/v1/tickets/{ticket['ticket_hash']}/approve")
        assert "already executed" in error(again, 409, "ticket_closed")
    assert [e for e, _ in audit(api, ticket["ticket_hash"])][:5] == ["ticket", "approval", "signature", "result",
                                                                     "refusal"]


def test_a_rejected_ticket_signs_nothing_and_cannot_be_approved_after(api: ApiWorld, alice: str) -> None:
    with api.client(alice) as client:
        before = sol_size(client)
        ticket = ticket_for(client, "t-reject")
        rejected = client.post(f"/v1/tickets/{ticket['ticket_hash']}/reject").json()
        assert rejected["status"] == "rejected"
        assert error(client.post(f"/v1/tickets/{ticket['ticket_hash']}/approve"), 409, "ticket_closed")
        assert sol_size(client) == before
    assert "signature" not in [e for e, _ in audit(api, ticket["ticket_hash"])]


def test_an_unknown_ticket_is_404(api: ApiWorld, alice: str) -> None:
    with api.client(alice) as client:
        for path in (f"/v1/tickets/{'0' * 64}", f"/v1/tickets/{'0' * 64}/approve", f"/v1/tickets/{'0' * 64}/reject",
                     "/v1/tickets/not-a-hash", "/v1/tickets/not-a-hash/approve"):
            response = client.get(path) if path.count("/") == 3 else client.post(path)
            assert "no ticket" in error(response, 404, "not_found")


def test_another_users_ticket_is_403_and_the_attempt_is_audited(api: ApiWorld, alice: str, bob: str) -> None:
    with api.client(alice) as owner:
        ticket = ticket_for(owner, "t-theirs")
    with api.client(bob) as other:
        assert "belongs to another user" in error(other.get(f"/v1/tickets/{ticket['ticket_hash']}"), 403, "forbidden")
        for action in ("approve", "reject"):
            error(other.post(f"/v1/tickets/{ticket['ticket_hash']}/{action}"), 403, "forbidden")
    assert audit(api, ticket["ticket_hash"]) == [("ticket", "alice"), ("refusal", "bob"), ("refusal", "bob")]
    with api.client(alice) as owner:
        assert owner.get(f"/v1/tickets/{ticket['ticket_hash']}").json()["status"] == "pending"
        assert owner.post(f"/v1/tickets/{ticket['ticket_hash']}/approve").json()["status"] == "executed"


def test_an_expired_ticket_is_409_and_nothing_is_sent(api: ApiWorld, alice: str) -> None:
    with api.client(alice) as client:
        before = sol_size(client)
        ticket = ticket_for(client, "t-late")
        api.clock.offset = timedelta(seconds=61)
        try:
            late = client.post(f"/v1/tickets/{ticket['ticket_hash']}/approve")
        finally:
            api.clock.offset = timedelta()
        assert "expired before the approve" in error(late, 409, "ticket_expired")
        assert client.get(f"/v1/tickets/{ticket['ticket_hash']}").json()["status"] == "expired"
        assert sol_size(client) == before


def test_voice_approval_needs_the_setting_the_owner_and_the_exact_code(api: ApiWorld, alice: str, bob: str,
                                                                       voice: UserStore) -> None:
    with api.client(alice) as client:
        before = sol_size(client)
        ticket = ticket_for(client, "t-voice")
        approve = f"/v1/tickets/{ticket['ticket_hash']}/approve"
        code = voice_code(ticket["ticket_hash"])
        assert client.get(f"/v1/tickets/{ticket['ticket_hash']}").json()["voice_code"] == code
        assert "voice approval is off" in error(client.post(approve, json={"code": code}), 403,
                                                "voice_approval_off")
        voice.set_voice_approval("alice", True)
        voice.set_voice_approval("bob", True)
        wrong = code[:3] + ("2" if code[3] != "2" else "3")
        for said in (wrong, "yes", "do it", "approve", "YES DO IT", "", ticket["ticket_hash"]):
            assert error(client.post(approve, json={"code": said}), 403, "wrong_code")
    with api.client(bob) as other:
        error(other.post(approve, json={"code": code}), 403, "forbidden")
    with api.client(alice) as client:
        assert client.get(f"/v1/tickets/{ticket['ticket_hash']}").json()["status"] == "pending"
        assert sol_size(client) == before
        done = client.post(approve, json={"code": spoken_code(code).lower()})
        assert done.status_code == 200 and done.json()["status"] == "executed"
        assert sol_size(client) == before + 1
    refusals = api.rows("SELECT user_id, detail->>'reason' FROM audit_log WHERE ticket_hash = %s "
                        "AND event = 'refusal' ORDER BY id", ticket["ticket_hash"])
    assert refusals[0] == ("alice", "voice approval is off for this user")
    assert refusals[1:8] == [("alice", "the voice code read back was not this ticket's")] * 7
    assert refusals[8][0] == "bob"


def test_a_right_code_after_expiry_does_not_approve(api: ApiWorld, alice: str, voice: UserStore) -> None:
    voice.set_voice_approval("alice", True)
    with api.client(alice) as client:
        ticket = ticket_for(client, "t-voice-late")
        api.clock.offset = timedelta(seconds=61)
        try:
            late = client.post(f"/v1/tickets/{ticket['ticket_hash']}/approve",
                               json={"code": voice_code(ticket["ticket_hash"])})
        finally:
            api.clock.offset = timedelta()
        error(late, 409, "ticket_expired")
