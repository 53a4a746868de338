"""`quantdesk chat`: the terminal interface.

Interactive (rich): where it trades (PAPER or LIVE, the replay label, a plain
warning when no prices flow), answers rendered as markdown (positions, orders
and fills as tables), one line per tool call (its label, never the tool's internal
name), tickets as panels showing what the web page's card shows, pushed alerts and keeper
fills while idle, and the commands ``/approve HASH``, ``/reject HASH``, ``/positions``, ``/quit``. A HASH
may be shortened to its first 8+ characters; it must match the pending ticket,
and the full hash is what is sent as the approval.

``--json``: one user message (or command) per line on stdin, every event as one
JSON object per line on stdout, for scripts and evals.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.panel import Panel
from rich.table import Table

from agent import ChatEvent, ChatSession
from interfaces._assembly import Mikey, open_mikey
from interfaces._desk import DeskContext, desk_context
from interfaces._push import PUSH_EVERY_S, Pushes
from interfaces._steps import step_label, step_outcome
from interfaces._tables import echoes, result_table
from interfaces._ticket_card import ticket_card
from quantdesk.config import Settings
from quantdesk.db import DatabaseUnavailable, is_unavailable
from quantdesk.tickets import OrderTicket, StoredTicket
from quantdesk.users import local_user_name, validate_user_name

MIN_HASH_PREFIX = 8


def chat_command(ctx: typer.Context, user: str | None, thread: str | None, as_json: bool) -> None:
    """Run the chat (see the module doc); options come from interfaces._cli."""
    from quantdesk.cli import InvalidCliInput, state

    st = state(ctx)
    user_id = validate_user_name(user) if user is not None else local_user_name()
    if thread is not None and not thread.strip():
        raise InvalidCliInput("--thread must not be empty (leave it out for the default, <user>-terminal)")
    thread_id = thread or f"{user_id}-terminal"
    asyncio.run(_chat(st.settings, user_id, thread_id, as_json, st.console))


async def _chat(settings: Settings, user_id: str, thread_id: str, as_json: bool, console: Console) -> None:
    async with open_mikey(settings) as mikey:
        if as_json:
            await _json_loop(mikey.session, user_id, thread_id)
        else:
            await _interactive_loop(mikey, user_id, thread_id, console)


def resolve_hash(typed: str, pending: dict[str, Any] | None) -> str | None:
    """The pending ticket's full hash if ``typed`` is it or a prefix of at least 8 characters."""
    typed = typed.strip().lower()
    if pending is None or len(typed) < MIN_HASH_PREFIX:
        return None
    full = str(pending["ticket_hash"])
    return full if full.startswith(typed) else None


async def dispatch(session: ChatSession, user_id: str, thread_id: str, line: str) -> AsyncIterator[ChatEvent]:
    """A line typed by the trader: a slash command or a message."""
    words = line.strip().split()
    command = words[0].lower() if words else ""
    if command in ("/approve", "/reject"):
        try:
            pending = await session.pending_ticket(thread_id)
        except DatabaseUnavailable as exc:
            yield ChatEvent("error", {"message": str(exc)})
            return
        full = resolve_hash(words[1] if len(words) > 1 else "", pending)
        if full is None:
            yield ChatEvent("error", {"message": f"{command} needs the pending ticket's hash (at least "
                                                 f"{MIN_HASH_PREFIX} characters)" if pending else
                                                 "no ticket is waiting for approval"})
            return
        stream = session.approve if command == "/approve" else session.reject
        async for event in stream(thread_id, user_id, full):
            yield event
        return
    if command == "/positions":
        line = "my positions"
    async for event in session.send(thread_id, user_id, line):
        yield event


async def _json_loop(session: ChatSession, user_id: str, thread_id: str) -> None:
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            return
        if not line.strip():
            continue
        async for event in dispatch(session, user_id, thread_id, line.rstrip("\n")):
            sys.stdout.write(json.dumps(event.to_json(), default=str) + "\n")
            sys.stdout.flush()


async def _interactive_loop(mikey: Mikey, user_id: str, thread_id: str, console: Console) -> None:
    session = mikey.session
    console.print(f"[bold]MIKEY[/] — thread {thread_id} as {user_id}. Try `what's SOL doing?`; /quit to leave.")
    desk_banner(await asyncio.to_thread(desk_context, mikey.settings, mikey.db, mikey.clock()), console)
    pending = await session.pending_ticket(thread_id)
    if pending is not None:
        render(ChatEvent("ticket", {"ticket": pending}), console)
    loop = asyncio.get_running_loop()
    pushes = Pushes(session, mikey.activity, user_id, thread_id, mikey.clock())
    pusher = asyncio.create_task(_push_notifications(pushes, console))
    try:
        await _read_loop(session, user_id, thread_id, console, loop)
    finally:
        pusher.cancel()


async def _push_notifications(pushes: Pushes, console: Console) -> None:
    """Alerts and keeper fills that happen while the trader is idle appear without waiting for their next message."""
    while True:
        await asyncio.sleep(PUSH_EVERY_S)
        try:
            events = await asyncio.to_thread(pushes.take)
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            continue  # the database is away for a moment: nothing is lost, it is read again
        for event in events:
            render(event, console)


async def _read_loop(session: ChatSession, user_id: str, thread_id: str, console: Console,
                     loop: asyncio.AbstractEventLoop) -> None:
    while True:
        try:
            line = await loop.run_in_executor(None, lambda: console.input("[bold cyan]you ›[/] "))
        except (EOFError, KeyboardInterrupt):
            return
        if line.strip().lower() in ("/quit", "/exit"):
            return
        if not line.strip():
            continue
        results: list[dict[str, Any]] = []  # this turn's tool results, for answers that only read them out
        async for event in dispatch(session, user_id, thread_id, line):
            if event.type == "tool_result":
                results.append(event.data)
            render(event, console, results)


def desk_banner(desk: DeskContext, console: Console) -> None:
    """Where this chat trades, like the web page's header: PAPER or LIVE, the venue, the model, and
    whether prices are replayed or not flowing at all."""
    mode = "[bold blue]PAPER[/]" if desk.mode == "PAPER" else "[bold white on red] LIVE [/]"
    console.print(f"{mode} {desk.venue} · answers by {desk.model}", highlight=False)
    if desk.replay:
        console.print(f"[yellow]{desk.replay}[/]", highlight=False)
    if desk.prices:
        console.print(f"[bold red]{desk.prices}[/]", highlight=False)


def _said(who: str, text: str) -> Table:
    """``who ›`` beside the message rendered as markdown (help, lists, tables)."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(who, Markdown(text))
    return grid


def render(event: ChatEvent, console: Console, results: list[dict[str, Any]] | None = None,
           now: datetime | None = None) -> None:
    """One event on the terminal; ``now`` (default: the wall clock) counts a ticket's time left."""
    data = event.data
    if event.type == "text" and data.get("role") == "alert":
        console.print(_said("[bold yellow]alert ›[/]", data["text"]))
    elif event.type == "text" and results and echoes(data["text"], results):
        for result in results:  # the answer only reads the results out: tables where they have them
            console.print(_said("[bold green]mikey ›[/]", result_table(result) or str(result.get("text", ""))))
    elif event.type == "text":
        console.print(_said("[bold green]mikey ›[/]", data["text"]))
    elif event.type == "tool_call":
        return  # shown with its result, as one step (as on the web page)
    elif event.type == "tool_result":
        ok, outcome = step_outcome(data)
        console.print(f"[dim]· {step_label(data)}: [/]" + (f"[dim]{outcome}[/]" if ok else f"[red]{outcome}[/]"),
                      highlight=False)
    elif event.type == "ticket":
        console.print(ticket_panel(data["ticket"], now))
    elif event.type == "execution":
        style = "green" if data.get("ok") else "red"
        console.print(Panel(str(data.get("text", "")), title="execution", border_style=style))
    else:
        console.print(f"[red]error:[/] {data.get('message', data)}", highlight=False)


_TONES = {"buy": "green", "sell": "red", "neutral": "yellow"}


def ticket_panel(ticket: dict[str, Any], now: datetime | None = None) -> Panel:
    """A waiting ticket as the web page's card shows it (interfaces/_ticket_card.py: the same
    title, rows, warnings and formatted numbers), with the hash to type for /approve or /reject."""
    now = now or datetime.now(UTC)
    order = OrderTicket.model_validate(ticket)
    card = ticket_card(StoredTicket(order, "pending", None, None, None), now)
    tone = _TONES.get(card["tone"], "yellow")
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    table.add_row(f"[bold {tone}]{card['side']}[/]", f"[bold]{card['title']}[/]")
    if card["effect"]:
        table.add_row("", card["effect"])
    for row in card["rows"]:
        table.add_row(row["label"], row["value"])
    for warning in card["warnings"]:
        table.add_row("[yellow]warning[/]", f"[yellow]{warning}[/]")
    left = card["expires_in_s"]
    table.add_row("Expires", f"in {left} s (at {order.expires_at.astimezone(UTC):%H:%M:%S} UTC)" if left else "expired")
    table.add_row("Hash", order.ticket_hash)
    prefix = order.ticket_hash[:MIN_HASH_PREFIX]
    return Panel(table, title=f"ticket — /approve {prefix} or /reject {prefix}", border_style=tone)
