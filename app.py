"""Chainlit entry point (`chainlit run app.py`): a thin adapter over ChatSession.

Messages go to ChatSession.send; a ticket is shown with its exact fields and two
buttons; Approve sends an approval carrying the ticket's full hash for the
signed-in user, Reject a rejection. No trading logic lives here.

Chainlit has no dependency injection, so the one MIKEY of this process is opened
at app start-up (settings read once there) and closed at shutdown.
"""

from __future__ import annotations

import contextlib
import getpass
from typing import Any

import chainlit as cl

from agent import ChatEvent
from interfaces._assembly import Mikey, open_mikey
from quantdesk.config import load_settings

_stack = contextlib.AsyncExitStack()
_mikey: list[Mikey] = []  # the process's MIKEY, set at start-up


@cl.on_app_startup
async def startup() -> None:
    _mikey.append(await _stack.enter_async_context(open_mikey(load_settings())))


@cl.on_app_shutdown
async def shutdown() -> None:
    await _stack.aclose()


def _identity() -> tuple[str, str]:
    user = cl.user_session.get("user")
    user_id = getattr(user, "identifier", None) or getpass.getuser() or "trader"
    return user_id, f"web-{cl.context.session.thread_id}"


@cl.on_chat_start
async def on_chat_start() -> None:
    await cl.Message(content="**MIKEY** here. Ask `what's SOL doing?` or say `long 2 SOL 5x`.").send()


@cl.on_message
async def on_message(message: cl.Message) -> None:
    user_id, thread_id = _identity()
    await _show(_mikey[0].session.send(thread_id, user_id, message.content))


@cl.action_callback("approve")
async def on_approve(action: cl.Action) -> None:
    user_id, thread_id = _identity()
    await action.remove()
    await _show(_mikey[0].session.approve(thread_id, user_id, action.payload["ticket_hash"]))


@cl.action_callback("reject")
async def on_reject(action: cl.Action) -> None:
    user_id, thread_id = _identity()
    await action.remove()
    await _show(_mikey[0].session.reject(thread_id, user_id, action.payload["ticket_hash"]))


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
