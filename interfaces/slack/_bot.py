"""The Slack bot: Bolt listeners that turn mentions, direct messages and thread
replies into ChatSession turns, and Approve/Reject clicks into decisions.

- Who: every Slack identity (``TEAM:USER``) is looked up in the identity links
  first; an unlinked one can only link (``link QD-…`` in a direct message) and is
  told how, privately.
- Where: a mention is answered in its Slack thread, a direct message in the DM.
  The MIKEY thread is ``slack:<user>:<team>:<channel>:<thread ts>`` (``dm`` for a
  DM's top level), inside the linked user's namespace like ``web:`` and ``api:``
  threads, so two people in one Slack thread each have their own conversation.
  A reply in a Slack thread goes on without a mention once you talk to MIKEY there.
- Tickets: a ticket asked for in a channel goes to its owner by DM; the channel
  sees only that it did. Clicks are acknowledged at once; the decision then runs
  in the background and the card is redrawn in place with the outcome. Only the
  owner's click decides; anyone else's is refused (ChatSession refuses and
  audits it), answered privately, and the ticket keeps waiting.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections import OrderedDict
from collections.abc import Coroutine
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from agent import ChatEvent
from interfaces._assembly import Mikey
from interfaces.slack._blocks import APPROVE, REJECT
from interfaces.slack._cards import Cards
from interfaces.slack._reply import StreamedReply
from quantdesk.logs import get_logger
from quantdesk.users import IdentityLinks, IdentityTaken, InvalidLinkCode, find_link_code

log = get_logger(__name__)

_HASH = re.compile(r"^[0-9a-f]{64}$")
_SEEN_EVENTS = 1000  # event ids remembered, so a retried delivery is not answered twice
NOT_LINKED = ("Your Slack account (`{identity}`) is not linked to a QuantDesk user yet, so linking is all I can "
              "do for you. Get a one-time link code (with your API key: `POST /v1/link-codes`; or from an operator: "
              "`quantdesk link code --user NAME`) and send `link QD-XXXX-XXXX-XXXX` to me in a direct message. "
              "An operator can also link you directly: `quantdesk link slack --user NAME --id {identity}`.")
NOT_OWNER = ("Only the ticket's owner can {action} it. Nothing was done; ticket `{short}` is still waiting for "
             "its owner.")
CODE_IN_CHANNEL = ("Link codes go to me in a direct message only. That code was posted where others can read it, "
                   "so it no longer works: get a new one and send it to me in a DM.")
TICKET_TO_DM = "I sent you ticket `{short}` in a direct message: approve or reject it there."
TICKET_HERE = "Here is your ticket: approve or reject it below."


def slack_thread_id(user_id: str, team: str, channel: str, thread_key: str) -> str:
    """The MIKEY thread of a Slack conversation, in the linked user's namespace (``:`` is in no user name)."""
    return f"slack:{user_id}:{team}:{channel}:{thread_key}"


class SlackBot:
    """Listeners over one MIKEY; ``register`` puts them on a Bolt app."""

    def __init__(self, mikey: Mikey, client: AsyncWebClient, *, expiry_tick_s: float = 5.0,
                 stream_interval_s: float = 1.0) -> None:
        self._mikey, self._client = mikey, client
        self._links = IdentityLinks(mikey.db.pool)
        self._stream_interval_s = stream_interval_s
        self._tasks: set[asyncio.Task[None]] = set()
        self._seen: OrderedDict[str, None] = OrderedDict()
        self.cards = Cards(client, mikey.tickets, mikey.clock, spawn=self._spawn, tick_s=expiry_tick_s)

    def register(self, app: AsyncApp) -> None:
        app.event("app_mention")(self._on_mention)
        app.event("message")(self._on_message)
        app.action(APPROVE)(self._on_approve)
        app.action(REJECT)(self._on_reject)

    async def idle(self) -> None:
        """Wait until every background turn, decision and card watcher has ended."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(_log_failure)

    def _first_delivery(self, body: dict[str, Any]) -> bool:
        event_id = str(body.get("event_id", ""))
        if not event_id:
            return True
        if event_id in self._seen:
            return False
        self._seen[event_id] = None
        while len(self._seen) > _SEEN_EVENTS:
            self._seen.popitem(last=False)
        return True

    # --- events (Bolt acknowledges them before these run) ---------------------
    async def _on_mention(self, event: dict[str, Any], body: dict[str, Any], context: dict[str, Any]) -> None:
        if event.get("bot_id") or not self._first_delivery(body):
            return
        thread_ts = str(event.get("thread_ts") or event["ts"])
        self._spawn(self._turn(event, body, _strip_mention(event.get("text", ""), context.get("bot_user_id")),
                               reply_ts=thread_ts, thread_key=thread_ts, in_dm=False))

    async def _on_message(self, event: dict[str, Any], body: dict[str, Any], context: dict[str, Any]) -> None:
        if event.get("subtype") or event.get("bot_id") or not event.get("user") or not self._first_delivery(body):
            return  # edits, joins, bots (ourselves included)
        text = str(event.get("text", ""))
        if event.get("channel_type") == "im":
            thread_ts = event.get("thread_ts")
            self._spawn(self._turn(event, body, _strip_mention(text, context.get("bot_user_id")), reply_ts=thread_ts,
                                   thread_key=thread_ts or "dm", in_dm=True))
        elif event.get("thread_ts") and f"<@{context.get('bot_user_id')}>" not in text:
            # A reply in a channel thread without a mention (a mention arrives as app_mention).
            self._spawn(self._turn(event, body, _unescape(text), reply_ts=str(event["thread_ts"]),
                                   thread_key=str(event["thread_ts"]), in_dm=False, only_if_ongoing=True))

    async def _turn(self, event: dict[str, Any], body: dict[str, Any], text: str, *, reply_ts: str | None,
                    thread_key: str, in_dm: bool, only_if_ongoing: bool = False) -> None:
        slack_user, channel = str(event["user"]), str(event["channel"])
        team = _team(event, body)
        identity = f"{team}:{slack_user}"
        code = find_link_code(text)
        if code is not None and not only_if_ongoing:
            await (self._link(identity, slack_user, channel, reply_ts, code) if in_dm
                   else self._code_in_channel(code, slack_user, channel, reply_ts))
            return
        user_id = await asyncio.to_thread(self._links.user_for, "slack", identity)
        if user_id is None:
            if not only_if_ongoing:
                await self._private(channel, slack_user, reply_ts, NOT_LINKED.format(identity=identity), in_dm)
            return
        thread_id = slack_thread_id(user_id, team, channel, thread_key)
        if only_if_ongoing and not await self._mikey.session.history(thread_id):
            return  # someone else's Slack thread, or one MIKEY is not part of
        if not text.strip():
            text = "help"
        reply = StreamedReply(self._client, channel, reply_ts, min_interval_s=self._stream_interval_s)
        await reply.start()
        empty = ""
        async for chat_event in self._mikey.session.send(thread_id, user_id, text):
            if chat_event.type != "ticket":
                await _show(reply, chat_event)
            elif in_dm:
                await self._send_card(chat_event, channel, reply_ts)
                empty = TICKET_HERE
            else:
                # The channel sees only that a ticket went to DM: what MIKEY said about it goes along.
                said = reply.take()
                opened = await self._client.conversations_open(users=slack_user)
                dm = str(opened["channel"]["id"])
                if said:
                    await self._say(dm, None, said)
                short = await self._send_card(chat_event, dm, None)
                if short is not None:
                    await reply.add(TICKET_TO_DM.format(short=short))
        await reply.finish(empty or "Done.")

    async def _send_card(self, chat_event: ChatEvent, channel: str, thread_ts: str | None) -> str | None:
        ticket_hash = str(chat_event.data["ticket"]["ticket_hash"])
        stored = await asyncio.to_thread(self._mikey.tickets.get, ticket_hash)
        if stored is None:
            return None
        await self.cards.post(stored, channel, thread_ts)
        return stored.ticket.short_hash

    async def _link(self, identity: str, slack_user: str, channel: str, reply_ts: str | None, code: str) -> None:
        profile = (await self._client.users_info(user=slack_user))["user"]
        if profile.get("is_bot") or profile.get("deleted"):
            await self._say(channel, reply_ts, "Bot and deactivated accounts cannot be linked.")
            return
        try:
            record = await asyncio.to_thread(self._links.redeem, code, "slack", identity, now=self._mikey.clock())
        except (InvalidLinkCode, IdentityTaken) as exc:
            log.warning("slack.link_refused", identity=identity, reason=type(exc).__name__)
            await self._say(channel, reply_ts, f"Not linked: {exc}.")
            return
        log.info("slack.linked", identity=identity, user_id=record.user_id)
        name = profile.get("real_name") or profile.get("name") or slack_user
        await self._say(channel, reply_ts, f"Linked: {name} (`{identity}`) is QuantDesk user *{record.user_id}* "
                                           "now. Ask me anything, e.g. `price of SOL` or `my positions`.")

    async def _code_in_channel(self, code: str, slack_user: str, channel: str, reply_ts: str | None) -> None:
        voided = await asyncio.to_thread(self._links.void_code, code, now=self._mikey.clock())
        log.warning("slack.link_code_in_channel", channel=channel, voided=voided)
        await self._private(channel, slack_user, reply_ts, CODE_IN_CHANNEL, in_dm=False)

    # --- Approve / Reject ------------------------------------------------------
    async def _on_approve(self, ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()  # within Slack's 3 s; the decision runs after
        self._spawn(self._decide("approve", body, action))

    async def _on_reject(self, ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        self._spawn(self._decide("reject", body, action))

    async def _decide(self, what: str, body: dict[str, Any], action: dict[str, Any]) -> None:
        ticket_hash = str(action.get("value", "")).strip().lower()
        slack_user = str(body["user"]["id"])
        identity = f"{body['user'].get('team_id') or body['team']['id']}:{slack_user}"
        container = body.get("container", {})
        channel, card_ts = str(container.get("channel_id") or body["channel"]["id"]), str(container["message_ts"])
        thread_ts = container.get("thread_ts")
        stored = await asyncio.to_thread(self._mikey.tickets.get, ticket_hash) if _HASH.fullmatch(ticket_hash) \
            else None
        if stored is None:
            await self._private(channel, slack_user, thread_ts, "That ticket does not exist.", in_dm=False)
            return
        ticket = stored.ticket
        user_id = await asyncio.to_thread(self._links.user_for, "slack", identity)
        session = self._mikey.session
        decide = session.approve if what == "approve" else session.reject
        if user_id is None:
            await asyncio.to_thread(self._mikey.audit.refusal, what, user_id=f"slack:{identity}",
                                    thread_id=ticket.thread_id, reason="a Slack identity not linked to any user",
                                    named=ticket_hash)
            await self._private(channel, slack_user, thread_ts, NOT_LINKED.format(identity=identity), in_dm=False)
            return
        if user_id != ticket.user_id:
            # Sent on anyway: ChatSession refuses another user's decision before the graph runs, and audits it.
            async for _ in decide(ticket.thread_id, user_id, ticket_hash):
                pass
            log.warning("slack.decision_refused", ticket=ticket.short_hash, by=user_id, action=what)
            await self._private(channel, slack_user, thread_ts,
                                NOT_OWNER.format(action=what, short=ticket.short_hash), in_dm=False)
            return
        reply = StreamedReply(self._client, channel, thread_ts, min_interval_s=self._stream_interval_s)
        async for chat_event in decide(ticket.thread_id, user_id, ticket_hash):
            if chat_event.type == "ticket":  # the order number was taken: a fresh ticket to decide
                fresh = await asyncio.to_thread(self._mikey.tickets.get, str(chat_event.data["ticket"]["ticket_hash"]))
                if fresh is not None:
                    await self.cards.post(fresh, channel, thread_ts)
            else:
                await _show(reply, chat_event)
        await self.cards.redraw(ticket_hash, channel, card_ts)
        if reply.text():
            await reply.finish("")

    # --- saying things ---------------------------------------------------------
    async def _say(self, channel: str, thread_ts: str | None, text: str) -> None:
        await self._client.chat_postMessage(channel=channel, thread_ts=thread_ts, markdown_text=text)

    async def _private(self, channel: str, slack_user: str, thread_ts: str | None, text: str, in_dm: bool) -> None:
        """To this person only: in a DM, a message; in a channel, an ephemeral message (or, where
        Slack refuses one, say in someone else's DM, a message in their own DM)."""
        if not in_dm:
            try:
                await self._client.chat_postEphemeral(channel=channel, user=slack_user, thread_ts=thread_ts,
                                                      markdown_text=text)
                return
            except SlackApiError as exc:
                log.warning("slack.ephemeral_refused", channel=channel, error=exc.response.get("error"))
            opened = await self._client.conversations_open(users=slack_user)
            channel, thread_ts = str(opened["channel"]["id"]), None
        await self._say(channel, thread_ts, text)


async def _show(reply: StreamedReply, chat_event: ChatEvent) -> None:
    if chat_event.type == "text" and chat_event.data.get("text"):
        await reply.add(str(chat_event.data["text"]), chat_event.data.get("id"))
    elif chat_event.type == "execution" and chat_event.data.get("text"):
        await reply.add(str(chat_event.data["text"]))
    elif chat_event.type == "error":
        await reply.add(f":warning: {chat_event.data.get('message', 'something went wrong')}")


def _team(event: dict[str, Any], body: dict[str, Any]) -> str:
    return str(event.get("user_team") or event.get("team") or body.get("team_id") or "")


def _strip_mention(text: str, bot_user_id: str | None) -> str:
    if bot_user_id:
        text = text.replace(f"<@{bot_user_id}>", " ")
    return _unescape(" ".join(text.split()))


def _unescape(text: str) -> str:
    """Slack escapes &, < and > in message text."""
    return html.unescape(text).strip() if "&" in text else text.strip()


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("slack.task_failed", error=repr(task.exception()))
