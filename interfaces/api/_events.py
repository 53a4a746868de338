"""ChatSession events as the API streams them, named after the AG-UI protocol's
events: ``run_started``, ``text_delta``, ``tool_call_start``, ``tool_call_end``,
``ticket``, ``execution``, ``alert``, ``error`` and ``run_finished`` (with
``outcome`` ``interrupt`` when a ticket waits, ``error`` when the turn failed,
``success`` otherwise).

With ``speech`` every reply is rendered for text-to-speech, and ``text_delta``
carries everything a voice should say, in order, one sentence at a time: MIKEY's
answer, a ticket read aloud (side, size, market, leverage, expected fill, fees,
liquidation price and its confirmation code), what an approval did, alerts and
errors. The structured events still come alongside, for a screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agent import ChatEvent
from interfaces.api._speech import SentenceStream, speak, spoken_sentences
from interfaces.api._voice import spoken_code, voice_code

Emitted = tuple[str, dict[str, Any]]  # (event name, data)


def approve_path(ticket_hash: str) -> str:
    return f"/v1/tickets/{ticket_hash}/approve"


def ticket_data(ticket: dict[str, Any]) -> dict[str, Any]:
    """The ticket event's data: every field of the ticket (the full hash among them),
    its voice code and where to approve it."""
    return {"ticket": ticket, "voice_code": voice_code(ticket["ticket_hash"]),
            "approve_path": approve_path(ticket["ticket_hash"])}


def spoken_ticket(ticket: dict[str, Any], *, voice_approval: bool) -> str:
    """A ticket read aloud: what it does, what it is expected to cost, its code, how to approve."""
    outcome = ticket.get("outcome") or {}
    said = [f"Ticket ready: {ticket['summary']}."]
    money = [(label, outcome.get(key)) for label, key in (("expected fill", "fill_price"), ("fees", "fee_usd"),
                                                          ("liquidation price", "liquidation_price"))]
    costs = [f"{label} ${value}" for label, value in money if value is not None]
    if costs:
        said.append(", ".join(costs).capitalize() + ".")
    said.append(f"Confirmation code {spoken_code(voice_code(ticket['ticket_hash']))}.")
    said.append("To approve it, read the code back." if voice_approval else
                "Voice approval is off, so approve it on the web page or in your app.")
    return speak(" ".join(said))


def ticket_sentence(ticket: dict[str, Any]) -> str:
    """One short sentence announcing a waiting ticket and how to approve it (text replies)."""
    return (f"Ticket {ticket['ticket_hash'][:12]} is waiting for your approval ({ticket['summary']}): approve it "
            f"before it expires with POST {approve_path(ticket['ticket_hash'])}, or on the web page.")


@dataclass
class Translator:
    """One turn's ChatSession events in, API events out (see the module doc)."""

    speech: bool = False
    voice_approval: bool = False
    outcome: str = "success"
    _sentences: SentenceStream = field(default_factory=SentenceStream)

    def _say(self, text: str) -> list[Emitted]:
        """What speech still holds, then ``text``, as one ``text_delta`` per sentence."""
        return [("text_delta", {"delta": s}) for s in (*self._sentences.flush(), *spoken_sentences(text))]

    def translate(self, event: ChatEvent) -> list[Emitted]:
        data = event.data
        if event.type == "text" and data.get("role") == "alert":
            return [*(self._say(str(data["text"])) if self.speech else []), ("alert", {"text": data["text"]})]
        if event.type == "text":
            text = str(data["text"])
            if not self.speech:
                return [("text_delta", {"delta": text})]
            return [("text_delta", {"delta": s}) for s in self._sentences.feed(text)]
        if event.type == "tool_call":
            return [("tool_call_start", {"tool_call_id": data["id"], "name": data["name"], "args": data["args"]})]
        if event.type == "tool_result":
            return [("tool_call_end", {"tool_call_id": data["id"], "name": data["name"], "status": data["status"],
                                       "text": data["text"], "data": data["data"]})]
        if event.type == "ticket":
            self.outcome = "interrupt"
            ticket = data["ticket"]
            if not self.speech:
                return [("ticket", ticket_data(ticket))]
            spoken = spoken_ticket(ticket, voice_approval=self.voice_approval)
            return [*self._say(spoken), ("ticket", {**ticket_data(ticket), "speech": spoken})]
        if event.type == "execution":
            text = str(data.get("text", ""))
            shown = {**data, "text": speak(text) if self.speech else text}
            return [*(self._say(text) if self.speech else []), ("execution", shown)]
        self.outcome = "error"
        message = str(data.get("message", ""))
        return [*(self._say(message) if self.speech else []),
                ("error", {"message": speak(message) if self.speech else message})]

    def finish(self) -> list[Emitted]:
        """The end of the turn: what speech still holds, then ``run_finished``."""
        rest = [("text_delta", {"delta": s}) for s in self._sentences.flush()] if self.speech else []
        return [*rest, ("run_finished", {"outcome": self.outcome})]
