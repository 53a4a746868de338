"""``POST /v1/link-codes``: a code for the key's own user, shown once, that links a
platform identity once; no key, no code."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from quantdesk.users import IdentityLinks, InvalidLinkCode
from tests.interfaces.api.conftest import ApiWorld
from tests.interfaces.api.test_auth import error


def test_a_link_code_is_made_for_the_callers_user_and_links_once(api: ApiWorld, alice: str) -> None:
    with api.client(alice) as client:
        made = client.post("/v1/link-codes")
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["user_id"] == "alice" and body["code"].startswith("QD-") and body["code"] in body["how"]
    expires = datetime.fromisoformat(body["expires_at"])
    assert timedelta(minutes=9) < expires - api.clock() <= timedelta(minutes=10)
    links = IdentityLinks(api.db.pool)
    assert links.redeem(body["code"], "slack", "T0API:U0ALICE", now=api.clock()).user_id == "alice"
    with pytest.raises(InvalidLinkCode):
        links.redeem(body["code"], "discord", "123456789012345678", now=api.clock())


def test_no_key_gets_no_link_code(api: ApiWorld) -> None:
    with api.client(None) as client:
        assert error(client.post("/v1/link-codes"), 401, "unauthorized")
