"""Who may use the web page, end to end: `quantdesk run` (embedded Postgres,
replayed prices flowing, the Chainlit page on a free port), driven through its
real `/login` form and its socket.io endpoint with the python-socketio client."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import socketio

from quantdesk.db import Database, open_database
from tests.conftest import make_settings
from tests.interfaces.web_page import FIRST_RUN, Page, QuantdeskRun, session_token, sign_in
from tests.quantdesk.cli.cli_helpers import QUANTDESK, cli_env

pytestmark = pytest.mark.slow

EVIL = "http://evil.example"


@dataclass
class Desk:
    run: QuantdeskRun
    data: Path
    db: Database
    local: str  # the first-run user and their printed password
    local_password: str
    bob_password: str

    def tickets(self) -> list[tuple[str, str, str]]:
        with self.db.pool.connection() as conn:
            return conn.execute("SELECT ticket_hash, user_id, status FROM tickets ORDER BY created_at").fetchall()

    def signatures(self) -> int:
        with self.db.pool.connection() as conn:
            return conn.execute("SELECT count(*) FROM audit_log WHERE event = 'signature'").fetchone()[0]


def add_user(data: Path, name: str, password: str, cwd: Path) -> None:
    out = subprocess.run([*QUANTDESK, "user", "add", name, "--password-stdin"], input=password + "\n",
                         env=cli_env(data), capture_output=True, text=True, timeout=120, cwd=cwd)
    assert out.returncode == 0, out.stderr


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    tmp = tmp_path_factory.mktemp("web")
    data = tmp / "data"
    run = QuantdeskRun(data, tmp)
    try:
        run.wait_until_serving()
        first = FIRST_RUN.search(run.output)
        assert first, run.output
        bob_password = "bob-" + uuid.uuid4().hex
        add_user(data, "bob", bob_password, tmp)
        db = open_database(make_settings(data))
        try:
            yield Desk(run, data, db, first.group(1), first.group(2), bob_password)
        finally:
            db.close()
    finally:
        run.stop()


async def test_without_signing_in_the_socket_is_refused_and_nothing_is_answered(desk: Desk) -> None:
    before = desk.tickets()
    for transport in ("websocket", "polling"):
        with pytest.raises(socketio.exceptions.ConnectionError):
            await Page(desk.run.base, None).open(transport)
    forged = "eyJhbGciOiJIUzI1NiJ9.eyJpZGVudGlmaWVyIjoiYm9iIn0.c2lnbmVkLXdpdGgtYW5vdGhlci1rZXk"
    with pytest.raises(socketio.exceptions.ConnectionError):
        await Page(desk.run.base, forged).open()
    button = {"name": "approve", "payload": {"ticket_hash": "ab" * 32}, "id": str(uuid.uuid4()), "forId": "x"}
    pressed = httpx.post(f"{desk.run.base}/project/action", json={"action": button, "sessionId": str(uuid.uuid4())})
    assert pressed.status_code == 401
    assert desk.tickets() == before and desk.signatures() == 0


async def test_a_foreign_origin_is_refused_even_with_a_valid_session(desk: Desk) -> None:
    token = session_token(desk.run.base, "bob", desk.bob_password)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await Page(desk.run.base, token, origin=EVIL).open("websocket")
    cookie = {"Cookie": f"access_token={token}", "Origin": EVIL}
    # socket.io's long-polling handshake (the client library mishandles a refused one, so plain HTTP here)
    handshake = f"{desk.run.base}/ws/socket.io/?EIO=4&transport=polling"
    assert httpx.get(handshake, headers=cookie).status_code == 403
    own = httpx.get(handshake, headers={**cookie, "Origin": desk.run.base})
    assert own.status_code == 200 and own.text.startswith("0{")
    assert httpx.get(f"{desk.run.base}/user", headers=cookie).status_code == 403
    assert httpx.post(f"{desk.run.base}/login", headers={"Origin": EVIL},
                      data={"username": "bob", "password": desk.bob_password}).status_code == 403
    preflight = httpx.options(f"{desk.run.base}/project/action", headers={
        "Origin": EVIL, "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 403 and "access-control-allow-origin" not in preflight.headers
    # The page's own origin, with the same session, is let in.
    page = Page(desk.run.base, token)
    await page.open()
    await page.close()
    assert '"origin": "http://evil.example", "path": "/ws/socket.io/", "event": "web.origin_refused"' in desk.run.output


async def test_a_signed_in_trader_is_answered_and_trades_as_themself(desk: Desk) -> None:
    page = Page(desk.run.base, session_token(desk.run.base, desk.local, desk.local_password))
    await page.open()
    try:
        assert any("MIKEY" in text for text in page.texts())
        answer = await page.say("what's SOL doing?")
        assert any("SOL-PERP: $" in text and "quality ok" in text for text in answer), answer
        await page.say("long 1 SOL 2x")
        approve = next(a for a in page.actions() if a["name"] == "approve")
        ticket_hash = approve["payload"]["ticket_hash"]
        assert (ticket_hash, desk.local, "pending") in desk.tickets()
        pressed = await page.click(approve)
        assert pressed.status_code == 200, pressed.text
        await page._until(lambda: any(t.startswith("✅") for t in page.texts()), "the execution")
        assert any(t.startswith("✅ Filled: bought 1 SOL-PERP") for t in page.texts()), page.texts()
    finally:
        await page.close()
    assert (ticket_hash, desk.local, "executed") in desk.tickets()


async def test_a_second_user_cannot_act_on_the_first_users_thread(desk: Desk) -> None:
    alice = Page(desk.run.base, session_token(desk.run.base, desk.local, desk.local_password))
    await alice.open()
    bob = None
    try:
        await alice.say("long 2 SOL 5x")
        approve = next(a for a in alice.actions() if a["name"] == "approve")
        ticket_hash = approve["payload"]["ticket_hash"]
        signatures = desk.signatures()
        bob_token = session_token(desk.run.base, "bob", desk.bob_password)
        # Bob reuses Alice's thread id: the page will not open her conversation for him (its stored
        # author is Alice), and behind that MIKEY's thread is namespaced by the signed-in user anyway.
        with pytest.raises(socketio.exceptions.ConnectionError):
            await Page(desk.run.base, bob_token, thread_id=alice.thread_id).open()
        bob = Page(desk.run.base, bob_token)
        await bob.open()
        answer = await bob.say("what's SOL doing?")
        assert any("SOL-PERP: $" in text for text in answer), answer
        # Her Approve and Reject buttons, pressed in his session, find no ticket of his.
        for button in alice.actions():
            assert (await bob.click(button)).status_code == 200
        assert any("no ticket is waiting for approval" in text for text in bob.texts()), bob.texts()
        # Nor can he take over her browser session, or press buttons in it.
        with pytest.raises(socketio.exceptions.ConnectionError):
            hijack = Page(desk.run.base, bob_token, thread_id=alice.thread_id)
            hijack.session_id = alice.session_id
            await hijack.open()
        in_her_session = httpx.post(f"{desk.run.base}/project/action",
                                    json={"action": approve, "sessionId": alice.session_id},
                                    headers={"Cookie": f"access_token={bob_token}"}, timeout=30)
        assert in_her_session.status_code == 401
        assert (ticket_hash, desk.local, "pending") in desk.tickets(), "her ticket was not cancelled"
        assert desk.signatures() == signatures, "nothing was signed"
        # Her ticket still waits for her, and her approval executes it.
        assert (await alice.click(approve)).status_code == 200
        await alice._until(lambda: any(t.startswith("✅ Filled: bought 2 SOL-PERP") for t in alice.texts()),
                           "her execution")
    finally:
        await alice.close()
        if bob is not None:
            await bob.close()
    assert (ticket_hash, desk.local, "executed") in desk.tickets()


async def test_every_tab_open_on_a_thread_is_shown_its_pushed_alerts(desk: Desk) -> None:
    token = session_token(desk.run.base, desk.local, desk.local_password)
    first = Page(desk.run.base, token)
    await first.open()
    second = third = None
    try:
        await first.say("what's SOL doing?")  # the conversation is stored: another tab can open it
        second = Page(desk.run.base, token, thread_id=first.thread_id)
        await second.open()
        third = Page(desk.run.base, token)  # the same trader's other conversation: not this thread's pushes
        await third.open()
        await first.say("alert me when sol goes above 1")  # fires on the alert service's next price
        for page in (first, second):
            await page._until(lambda: any(t.startswith("🔔 Alert #") for t in page.texts()),  # noqa: B023
                              "the alert on every tab of the thread")
        alerts = [[t for t in page.texts() if t.startswith("🔔")] for page in (first, second)]
        assert alerts[0] == alerts[1] and len(alerts[0]) == 1 and "SOL-PERP is at" in alerts[0][0], alerts
        assert not any(t.startswith("🔔") for t in third.texts())
    finally:
        for page in (first, second, third):
            if page is not None:
                await page.close()


async def test_a_ticket_decided_in_one_tab_loses_its_buttons_in_the_other(desk: Desk) -> None:
    token = session_token(desk.run.base, desk.local, desk.local_password)
    first = Page(desk.run.base, token)
    await first.open()
    second = None
    try:
        await first.say("long 1 SOL 2x")
        approve = next(a for a in first.actions() if a["name"] == "approve")
        ticket_hash = approve["payload"]["ticket_hash"]
        second = Page(desk.run.base, token, thread_id=first.thread_id)  # the same conversation, reopened
        await second.open()
        assert (await first.click(approve)).status_code == 200
        # Well before the card's own expiry (60 s), the other tab's card is stamped and has no buttons.
        await second._until(lambda: any(c["hash"] == ticket_hash and c["status"] == "filled"
                                         for c in second.cards()), "the other tab's card stamped", timeout_s=20)
        assert second.actions() == []
    finally:
        await first.close()
        if second is not None:
            await second.close()


def test_a_wrong_password_is_refused_and_says_nothing_about_the_user(desk: Desk) -> None:
    wrong = "not-the-password-" + uuid.uuid4().hex
    answers = [sign_in(desk.run.base, name, wrong) for name in (desk.local, "bob", "nobody-here")]
    assert {(a.status_code, a.text) for a in answers} == {(401, '{"detail":"credentialssignin"}')}
    assert all("access_token" not in a.cookies and "set-cookie" not in a.headers for a in answers)
    for name in (desk.local, "nobody-here"):
        assert f'"method": "password", "user": "{name}", "reason": "bad credentials", "event": "signin.refused"' \
            in desk.run.output
    assert wrong not in desk.run.output


async def test_a_password_change_ends_the_users_open_sessions(desk: Desk) -> None:
    page = Page(desk.run.base, session_token(desk.run.base, "bob", desk.bob_password))
    await page.open()
    try:
        new = "bob-new-" + uuid.uuid4().hex
        out = subprocess.run([*QUANTDESK, "user", "passwd", "bob", "--password-stdin"], input=new + "\n",
                             env=cli_env(desk.data), capture_output=True, text=True, timeout=120,
                             cwd=desk.data.parent)
        assert out.returncode == 0, out.stderr
        answer = await page.say("what's SOL doing?")
        assert any("Your sign-in has ended" in text for text in answer) and not any("SOL-PERP" in t for t in answer)
    finally:
        await page.close()
    assert sign_in(desk.run.base, "bob", desk.bob_password).status_code == 401
    assert sign_in(desk.run.base, "bob", new).status_code == 200
    desk.bob_password = new


def test_the_first_run_password_is_printed_once_and_the_session_secret_stays_private(desk: Desk) -> None:
    """Last in this module: it restarts `quantdesk run` on the same data dir."""
    secret_file = desk.data / "web-auth-secret"
    assert secret_file.stat().st_mode & 0o777 == 0o600
    secret = secret_file.read_text().strip()
    first = desk.run.output
    assert len(FIRST_RUN.findall(first)) == 1 and first.count(desk.local_password) == 1
    desk.db.close()
    assert desk.run.stop() == 0
    again = QuantdeskRun(desk.data, desk.data.parent)
    try:
        again.wait_until_serving()
        again.wait_for_output("MIKEY is up")
        # The same secret signs sessions after the restart; the first password still works.
        assert session_token(again.base, desk.local, desk.local_password)
    finally:
        again.stop()
    assert "web sign-in" not in again.output and desk.local_password not in again.output
    assert secret_file.read_text().strip() == secret
    shown = subprocess.run([*QUANTDESK, "config", "show"], env=cli_env(desk.data, COLUMNS="200"),
                           capture_output=True, text=True, timeout=60)
    assert "web_auth_secret" in shown.stdout
    for output in (first, again.output, shown.stdout, shown.stderr):
        assert secret not in output


async def test_header_mode_signs_in_only_users_in_the_table(tmp_path: Path) -> None:
    data = tmp_path / "data"
    out = subprocess.run([*QUANTDESK, "user", "add", "carol", "--no-password"], env=cli_env(data),
                         capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    run = QuantdeskRun(data, tmp_path, QUANTDESK_WEB_AUTH="header", QUANTDESK_WEB_AUTH_HEADER="X-Remote-User")
    try:
        run.wait_until_serving()
        header_login = f"{run.base}/auth/header"
        refused = [httpx.post(header_login, headers=h) for h in (
            {"X-Remote-User": "mallory"}, {}, {"X-Remote-User": "../carol"}, {"X-Forwarded-User": "carol"})]
        assert [r.status_code for r in refused] == [401, 401, 401, 401]
        assert sign_in(run.base, "carol", "any-password-at-all").status_code == 400  # no password form here
        signed_in = httpx.post(header_login, headers={"X-Remote-User": "carol"})
        assert signed_in.status_code == 200, signed_in.text
        page = Page(run.base, signed_in.cookies["access_token"])
        await page.open()
        try:
            answer = await page.say("what's SOL doing?")
            assert any("SOL-PERP: $" in text for text in answer), answer
        finally:
            await page.close()
    finally:
        run.stop()
    assert "web sign-in" not in run.output  # no first-run password: the proxy signs people in
    assert '"method": "header", "header": "X-Remote-User", "user": "mallory", "reason": "no such user"' in run.output
