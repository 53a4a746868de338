"""Chainlit entry point (`chainlit run app.py`): a thin adapter over the core.

For now it is the placeholder page the foundation promises: it says the system
is up and shows the database status. The MIKEY chat session replaces the body of
``on_message`` when the agent lands; no trading logic ever lives here.
"""

from __future__ import annotations

import chainlit as cl

from quantdesk.config import load_settings
from quantdesk.db import migration_status, open_database


def _status_text() -> str:
    # Settings are read per chat start in this process; the web process has no other entry point.
    settings = load_settings()
    with open_database(settings) as db:
        status = migration_status(db)
        applied = ", ".join(f"{m.version:04d}_{m.name}" for m in status.applied) or "none"
        return (
            "**MIKEY is up.**\n\n"
            f"- database: {db.kind} PostgreSQL ({db.display_url})\n"
            f"- migrations applied: {len(status.applied)} ({applied}); pending: {len(status.pending)}\n"
            f"- venue: {settings.venue}, prices: {settings.pyth_source}, model: {settings.mikey_model}\n\n"
            "Trading chat arrives with the MIKEY agent."
        )


@cl.on_chat_start
async def on_chat_start() -> None:
    text = await cl.make_async(_status_text)()
    await cl.Message(content=text).send()


@cl.on_message
async def on_message(message: cl.Message) -> None:
    text = await cl.make_async(_status_text)()
    await cl.Message(content=f"I can't trade yet — the agent is not installed.\n\n{text}").send()
