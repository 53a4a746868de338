"""Chainlit entry point (`chainlit run app.py`): a thin adapter over ChatSession.

Every message and button acts for the signed-in QuantDesk user only (a password
checked against the users table, or the user an auth proxy names: see
QUANTDESK_WEB_AUTH), in a thread of that user's own; with no signed-in user
nothing is answered. Messages go to ChatSession.send; a ticket is shown with its
exact fields and two buttons; Approve sends an approval carrying the ticket's
full hash for the signed-in user, Reject a rejection. No trading logic lives here.

Chainlit has no dependency injection, so settings are read once at import (the
session secret and the origin guard must be in place before Chainlit serves) and
the one MIKEY of this process is opened at app start-up and closed at shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import chainlit as cl

from agent import ChatEvent
from interfaces._assembly import Mikey, open_mikey
from interfaces._web_auth import chainlit_user, secure_chainlit, web_thread_id
from quantdesk.config import load_settings
from quantdesk.logs import configure_logging
from quantdesk.users import SignIn, UserStore

_settings = load_settings()
configure_logging(_settings)
secure_chainlit(_settings)

_stack = contextlib.AsyncExitStack()
_mikey: list[Mikey] = []  # the process's MIKEY, set at start-up
_signin: list[SignIn] = []  # sign-in over the same database


@cl.on_app_startup
async def startup() -> None:
    mikey = await _stack.enter_async_context(open_mikey(_settings))
    _mikey.append(mikey)
    _signin.append(SignIn(UserStore(mikey.db.pool)))


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
    record = await asyncio.to_thread(_signin[0].still_valid, user.identifier, (user.metadata or {}).get("epoch"))
    if record is None:
        await cl.ErrorMessage(content="Your sign-in has ended (user removed or password changed): "
                                      "sign in again.").send()
        return None
    thread_id = web_thread_id(record.name, cl.context.session.thread_id)
    if thread_id is None:
        await cl.ErrorMessage(content="This conversation's id is not valid here: start a new chat.").send()
        return None
    return record.name, thread_id


@cl.on_chat_start
async def on_chat_start() -> None:
    if await _identity() is not None:
        await cl.Message(content="**MIKEY** here. Ask `what's SOL doing?` or say `long 2 SOL 5x`.").send()


@cl.on_message
async def on_message(message: cl.Message | None) -> None:
    if message is None:  # Chainlit's edit of a message it no longer holds
        return
    identity = await _identity()
    if identity is not None:
        user_id, thread_id = identity
        await _show(_mikey[0].session.send(thread_id, user_id, message.content))


@cl.action_callback("approve")
async def on_approve(action: cl.Action) -> None:
    await _decide(action, approve=True)


@cl.action_callback("reject")
async def on_reject(action: cl.Action) -> None:
    await _decide(action, approve=False)


async def _decide(action: cl.Action, *, approve: bool) -> None:
    """A button press, for the signed-in user on their own thread only; the hash the
    browser sends back is checked against the thread's pending ticket by the gate."""
    identity = await _identity()
    if identity is None:
        return
    user_id, thread_id = identity
    await action.remove()
    decide = _mikey[0].session.approve if approve else _mikey[0].session.reject
    await _show(decide(thread_id, user_id, str((action.payload or {}).get("ticket_hash", ""))))


async def _show(events: Any) -> None:
    answer = cl.Message(content="")
    async for event in events:
        await _render(event, answer)
    if answer.content:
        await answer.send()


async def _render(event: ChatEvent, answer: cl.Message) -> None:
    data = event.data
    if event.type == "text":
        await answer.stream_token(data["text"])
    elif event.type == "tool_call":
        async with cl.Step(name=data["name"], type="tool") as step:
            step.input = data["args"]
    elif event.type == "tool_result":
        async with cl.Step(name=f"{data['name']} result", type="tool") as step:
            step.output = data["text"]
    elif event.type == "ticket":
        ticket = data["ticket"]
        payload = {"ticket_hash": ticket["ticket_hash"]}
        await cl.Message(content=_ticket_markdown(ticket), actions=[
            cl.Action(name="approve", payload=payload, label="Approve"),
            cl.Action(name="reject", payload=payload, label="Reject"),
        ]).send()
    elif event.type == "execution":
        await cl.Message(content=("✅ " if data.get("ok") else "❌ ") + str(data.get("text", ""))).send()
    else:
        await cl.Message(content=f"⚠️ {data.get('message', data)}").send()


def _ticket_markdown(ticket: dict[str, Any]) -> str:
    outcome = ticket.get("outcome", {})
    rows = [("Order", ticket["summary"]), ("Price bound", ticket.get("price_bound")),
            ("Expected fill", outcome.get("fill_price")), ("Fees (USD)", outcome.get("fee_usd")),
            ("Margin after (USD)", outcome.get("margin_after_usd")),
            ("Liquidation price", outcome.get("liquidation_price")), ("Expires", ticket["expires_at"]),
            ("Ticket hash", f"`{ticket['ticket_hash']}`")]
    lines = ["**Ticket — approve to sign and send exactly this**", "", "| | |", "|---|---|"]
    lines += [f"| {label} | {value} |" for label, value in rows if value is not None]
    return "\n".join(lines)
