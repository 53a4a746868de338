"""Chainlit entry point (`chainlit run app.py`): a thin adapter over ChatSession.

Every message and button acts for the signed-in QuantDesk user only (a password
checked against the users table, or the user an auth proxy names: see
QUANTDESK_WEB_AUTH), in a thread of that user's own; with no signed-in user
nothing is answered. Messages go to ChatSession.send; a ticket is shown as a card
(interfaces/_web_render.py, public/elements/TicketCard.jsx) whose Approve sends an
approval carrying the ticket's full hash for the signed-in user, Reject a
rejection, Refresh quote the same request again. No trading logic lives here.

Chainlit has no dependency injection, so settings are read once at import (the
session secret and the origin guard must be in place before Chainlit serves) and
the one MIKEY of this process is opened at app start-up and closed at shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import chainlit as cl
from chainlit.data import get_data_layer
from chainlit.server import sio
from chainlit.session import WebsocketSession

from agent import ChatEvent
from interfaces import (
    CardBoard,
    Mikey,
    Pushes,
    ThreadPushes,
    Turn,
    WebDataLayer,
    account_summary,
    chainlit_root_path,
    chainlit_user,
    desk_context,
    install_context_route,
    install_element_route,
    open_mikey,
    push_to_page,
    rich_views,
    secure_chainlit,
    signed_epoch,
    ticket_card,
    web_thread_id,
)
from quantdesk.config import load_settings
from quantdesk.logs import configure_logging
from quantdesk.users import SignIn, UserStore

_settings = load_settings()
configure_logging(_settings)
secure_chainlit(_settings)

_stack = contextlib.AsyncExitStack()
_mikey: list[Mikey] = []  # the process's MIKEY, set at start-up
_signin: list[SignIn] = []  # sign-in over the same database
_pushes: list[ThreadPushes] = []  # one reader per open thread, for all of its tabs


@cl.on_app_startup
async def startup() -> None:
    mikey = await _stack.enter_async_context(open_mikey(_settings))
    _mikey.append(mikey)
    _signin.append(SignIn(UserStore(mikey.db.pool)))
    _pushes.append(ThreadPushes(lambda user, thread: Pushes(mikey.session, mikey.activity, user, thread,
                                                            mikey.clock())))


@cl.on_app_shutdown
async def shutdown() -> None:
    await _stack.aclose()


if _settings.web_auth == "password":
    @cl.password_auth_callback
    async def sign_in_with_password(username: str, password: str) -> cl.User | None:
        record = await asyncio.to_thread(_signin[0].with_password, username, password)
        return None if record is None else chainlit_user(record, "password")
else:
    @cl.header_auth_callback
    async def sign_in_with_header(headers: Any) -> cl.User | None:
        header = _settings.web_auth_header
        record = await asyncio.to_thread(_signin[0].with_header, headers.get(header), header=header)
        return None if record is None else chainlit_user(record, "header")


async def _identity() -> tuple[str, str] | None:
    """The signed-in user and their MIKEY thread, or ``None``: then nothing is answered."""
    user = cl.context.session.user
    if user is None:
        return None
    epoch = signed_epoch(cl.context.session.token, user)
    record = await asyncio.to_thread(_signin[0].still_valid, user.identifier, epoch)
    if record is None:
        await cl.ErrorMessage(content="Your sign-in has ended (user removed or password changed): "
                                      "sign in again.").send()
        return None
    thread_id = web_thread_id(record.name, cl.context.session.thread_id)
    if thread_id is None:
        await cl.ErrorMessage(content="This conversation's id is not valid here: start a new chat.").send()
        return None
    return record.name, thread_id


async def _desk(user_name: str, epoch: Any) -> dict[str, Any] | None:
    """The header's contents for a signed-in user (None once their sign-in has ended)."""
    mikey = _mikey[0]
    record = await asyncio.to_thread(_signin[0].still_valid, user_name, epoch)
    if record is None:
        return None
    now = mikey.clock()
    context = await asyncio.to_thread(desk_context, _settings, mikey.db, now)
    return {**context.to_json(), "user": record.name, "account": await account_summary(mikey.toolbox, record.name, now)}


install_context_route(_desk)


def _card_props(ticket_hash: str, owner: str) -> dict[str, Any] | None:
    """A stored card, rebuilt from the ticket store: only a ticket of the thread's owner."""
    mikey = _mikey[0]
    stored = mikey.tickets.get(ticket_hash)
    return None if stored is None or stored.ticket.user_id != owner else ticket_card(stored, mikey.clock())


async def _still_signed_in(user_name: str, epoch: Any) -> bool:
    return await asyncio.to_thread(_signin[0].still_valid, user_name, epoch) is not None


def _element_content(user_id: str, thread_id: str, element_id: str) -> tuple[bytes, str] | None:
    layer = get_data_layer()
    return layer.element_content(user_id, thread_id, element_id) if isinstance(layer, WebDataLayer) else None


install_element_route(_still_signed_in, _element_content)


@cl.data_layer
def _data_layer() -> WebDataLayer:
    """Conversation history in our PostgreSQL (interfaces/_web_data.py)."""
    return WebDataLayer(lambda: _mikey[0].db.pool, lambda name: UserStore(_mikey[0].db.pool).get(name) is not None,
                        _card_props, root_path=chainlit_root_path())


@cl.on_chat_start
async def on_chat_start() -> None:
    identity = await _identity()
    if identity is not None:
        _board()
        _start_pushes(*identity)
        await cl.Message(content="**MIKEY** here. Ask `what's SOL doing?` or say `long 2 SOL 5x`.").send()


def _start_pushes(user_id: str, thread_id: str) -> None:
    """Alerts and keeper fills appear on this page (and on every other page open on the thread)
    as they happen, until the session ends."""
    if cl.user_session.get("pushes") is not None:
        return
    session = cl.context.session

    async def show(event: ChatEvent) -> None:
        await _turn(user_id, thread_id).show(_once(event))

    task = asyncio.create_task(push_to_page(
        _pushes[0], user_id, thread_id, show, alive=lambda: WebsocketSession.get_by_id(session.id) is session,
        connected=lambda: sio.manager.is_connected(session.socket_id, "/"), tick=_board().refresh))
    cl.user_session.set("pushes", task)


async def _once(event: ChatEvent) -> AsyncIterator[ChatEvent]:
    yield event


@cl.on_chat_resume
async def on_chat_resume(thread: dict[str, Any]) -> None:
    """A reopened conversation: its cards (already rebuilt from the ticket store) stay true to it from here on."""
    identity = await _identity()
    if identity is None:
        return
    _start_pushes(*identity)
    board = _board()
    for element in thread.get("elements") or []:
        if element.get("type") == "custom" and element.get("name") == "TicketCard":
            board.adopt(cl.CustomElement(id=element["id"], for_id=element.get("forId"), name="TicketCard",
                                         props=element.get("props") or {}, display="inline"))


def _board() -> CardBoard:
    """This browser session's ticket cards."""
    board = cl.user_session.get("cards")
    if board is None:
        board = CardBoard(_mikey[0].tickets, _mikey[0].clock)
        cl.user_session.set("cards", board)
    return board


def _turn(user_id: str, thread_id: str) -> Turn:
    mikey = _mikey[0]
    return Turn(_board(), rich_views(mikey.toolbox, user_id, thread_id, mikey.clock))


@cl.on_message
async def on_message(message: cl.Message | None) -> None:
    if message is None:  # Chainlit's edit of a message it no longer holds
        return
    identity = await _identity()
    if identity is not None:
        user_id, thread_id = identity
        await _turn(user_id, thread_id).show(_mikey[0].session.send(thread_id, user_id, message.content))


@cl.action_callback("approve")
async def on_approve(action: cl.Action) -> None:
    await _decide(action, "approve")


@cl.action_callback("reject")
async def on_reject(action: cl.Action) -> None:
    await _decide(action, "reject")


@cl.action_callback("refresh")
async def on_refresh(action: cl.Action) -> None:
    await _decide(action, "refresh")


async def _decide(action: cl.Action, what: str) -> None:
    """A card's button, for the signed-in user on their own thread only; the hash the
    browser sends back is checked against the thread's pending ticket by the gate."""
    identity = await _identity()
    if identity is None:
        return
    user_id, thread_id = identity
    session = _mikey[0].session
    decide = {"approve": session.approve, "reject": session.reject, "refresh": session.refresh}[what]
    await _turn(user_id, thread_id).show(decide(thread_id, user_id, str((action.payload or {}).get("ticket_hash", ""))))
