"""Identity links on the real embedded PostgreSQL: an identity belongs to exactly one
user, link codes work once, before they expire, and are stored only as a hash; and
`quantdesk link` in a real subprocess."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from quantdesk.db import Database, migrate, open_database
from quantdesk.users import (
    IdentityLinks,
    IdentityTaken,
    InvalidIdentity,
    InvalidLinkCode,
    UnknownIdentity,
    UnknownUser,
    UserStore,
    find_link_code,
)
from tests.conftest import make_settings
from tests.quantdesk.cli.cli_helpers import assert_refused, quantdesk

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def links(fresh_database: Database) -> Iterator[IdentityLinks]:
    users = UserStore(fresh_database.pool)
    for name in ("alice", "bob"):
        users.add(name, None, by="test")
    yield IdentityLinks(fresh_database.pool)


def test_an_identity_is_linked_to_exactly_one_user(links: IdentityLinks) -> None:
    record = links.link("slack", "T01TEAM:U0ALICE", "alice", by="cli")
    assert (record.platform, record.external_id, record.user_id, record.linked_by) == (
        "slack", "T01TEAM:U0ALICE", "alice", "cli")
    assert links.user_for("slack", "T01TEAM:U0ALICE") == "alice"
    assert links.link("slack", "T01TEAM:U0ALICE", "alice", by="cli").user_id == "alice"  # again: no change
    with pytest.raises(IdentityTaken, match="already linked to another user"):
        links.link("slack", "T01TEAM:U0ALICE", "bob", by="cli")
    assert links.user_for("slack", "T01TEAM:U0ALICE") == "alice"
    links.link("discord", "123456789012345678", "alice", by="cli")  # one user, several identities
    assert [(r.platform, r.user_id) for r in links.list("alice")] == [("discord", "alice"), ("slack", "alice")]
    assert links.user_for("slack", "T01TEAM:U0OTHER") is None


def test_bad_identities_and_unknown_users_are_refused_and_nothing_is_stored(links: IdentityLinks) -> None:
    for platform, external_id in (("slack", "U0ALICE"), ("slack", "t01team:u0alice"), ("slack", "T01:U0 x"),
                                  ("discord", "alice"), ("teams", "T01TEAM:U0ALICE")):
        with pytest.raises(InvalidIdentity):
            links.link(platform, external_id, "alice", by="cli")
    with pytest.raises(UnknownUser):
        links.link("slack", "T01TEAM:U0CAROL", "carol", by="cli")
    assert links.list() == []


def test_unlinking_leaves_the_identity_able_only_to_link_again(links: IdentityLinks) -> None:
    links.link("slack", "T01TEAM:U0ALICE", "alice", by="cli")
    assert links.unlink("slack", "T01TEAM:U0ALICE").user_id == "alice"
    assert links.user_for("slack", "T01TEAM:U0ALICE") is None
    with pytest.raises(UnknownIdentity):
        links.unlink("slack", "T01TEAM:U0ALICE")


def test_a_link_code_links_once_and_is_stored_only_as_its_hash(links: IdentityLinks,
                                                                fresh_database: Database) -> None:
    made = links.create_code("alice", now=NOW)
    assert made.expires_at == NOW + timedelta(minutes=10)
    assert find_link_code(f"link {made.code.lower()}") == made.code.replace("-", "")
    with fresh_database.pool.connection() as conn:
        stored = conn.execute("SELECT code_hash FROM link_codes").fetchall()
    assert stored == [(hashlib.sha256(made.code.replace("-", "").encode()).digest(),)]
    record = links.redeem(made.code, "slack", "T01TEAM:U0ALICE", now=NOW + timedelta(minutes=9))
    assert (record.user_id, record.linked_by) == ("alice", "code")
    with pytest.raises(InvalidLinkCode, match="not valid"):
        links.redeem(made.code, "slack", "T01TEAM:U0OTHER", now=NOW + timedelta(minutes=9))
    assert links.user_for("slack", "T01TEAM:U0OTHER") is None


def test_an_expired_mistyped_or_voided_code_links_nothing(links: IdentityLinks) -> None:
    late = links.create_code("alice", now=NOW)
    with pytest.raises(InvalidLinkCode):
        links.redeem(late.code, "slack", "T01TEAM:U0ALICE", now=NOW + timedelta(minutes=10))
    typo = links.create_code("alice", now=NOW).code
    with pytest.raises(InvalidLinkCode):
        links.redeem(typo[:-1] + ("2" if typo[-1] != "2" else "3"), "slack", "T01TEAM:U0ALICE", now=NOW)
    shown = links.create_code("alice", now=NOW).code
    assert links.void_code(shown, now=NOW) is True
    with pytest.raises(InvalidLinkCode):
        links.redeem(shown, "slack", "T01TEAM:U0ALICE", now=NOW)
    assert links.user_for("slack", "T01TEAM:U0ALICE") is None


def test_a_code_for_an_identity_of_another_user_is_refused_and_stays_usable(links: IdentityLinks) -> None:
    links.link("slack", "T01TEAM:U0BOB", "bob", by="cli")
    made = links.create_code("alice", now=NOW)
    with pytest.raises(IdentityTaken):
        links.redeem(made.code, "slack", "T01TEAM:U0BOB", now=NOW)
    assert links.user_for("slack", "T01TEAM:U0BOB") == "bob"
    assert links.redeem(made.code, "slack", "T01TEAM:U0ALICE", now=NOW).user_id == "alice"


def test_the_cli_links_lists_removes_and_makes_codes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with open_database(make_settings(data)) as db:
        migrate(db)
        UserStore(db.pool).add("alice", None, by="test")
    linked = quantdesk(data, "link", "slack", "--user", "alice", "--id", "T01TEAM:U0ALICE")
    assert linked.returncode == 0, linked.stderr
    assert "slack T01TEAM:U0ALICE is linked to alice" in linked.stdout
    listed = quantdesk(data, "link", "list", COLUMNS="200")
    assert "T01TEAM:U0ALICE" in listed.stdout and "1 link" in listed.stdout
    assert_refused(quantdesk(data, "link", "slack", "--user", "alice", "--id", "U0ALICE"), "a slack id is T123ABC")
    assert_refused(quantdesk(data, "link", "discord", "--user", "carol", "--id", "123456789012345678"),
                   "no user carol")
    code = quantdesk(data, "link", "code", "--user", "alice")
    assert code.returncode == 0, code.stderr
    printed = code.stdout.splitlines()[0]
    assert find_link_code(printed) is not None and "send `link QD-" in code.stdout
    removed = quantdesk(data, "link", "remove", "slack", "--id", "T01TEAM:U0ALICE")
    assert removed.returncode == 0 and "no longer linked to alice" in removed.stdout
    assert_refused(quantdesk(data, "link", "remove", "slack", "--id", "T01TEAM:U0ALICE"), "is not linked")
