"""Free-form read-only questions for the rules model: the intent classifier's nearest examples
decide which read answers "what am i holding rn", and these rules decide when a question is for
the docs instead ("how is my liquidation price computed?") or asks for an action (never a read).

Nothing here prepares a ticket: every road ends in a read-only tool, the docs, or a question.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final

from agent.intents import arguments_for
from agent.parser import Ambiguous, Parsed, ToolCalls

__all__ = ["HOW_IT_WORKS", "read_by_intent"]

HOW_IT_WORKS: Final = re.compile(r"\b(?:computed|calculated|calculate|compute|formula|mean|means|meaning|explain|"
                                 r"define|defined|definition|difference|why|how (?:does|do|is|are|can))\b")
# A request to change something is no read question, whatever it is near ("raise my max leverage").
_ACTION: Final = re.compile(r"\b(?:raise|lower|increase|decrease|set|change|turn|disable|enable|send|transfer|"
                            r"withdraw|cancel|route|move|delete|remove|reset|approve|sign|execute|give|wire|pay|open|"
                            r"place|buy|sell|long|short|close|flip|reverse|hedge)\b|[1-9A-HJ-NP-Za-km-z]{32,44}")
_CONCEPT_LEAD: Final = re.compile(r"(?:can|could|does|should|will|would|where|why|when)\b(?! (?:is|are|was) my\b)"
                                  r"|(?:is|are) (?!my\b|i\b|there any\b)\w+")
_PERSONAL: Final = re.compile(r"\b(?:my|mine|me|i|im|i'm|am i|i've|ive)\b")
_STATE_QUESTION: Final = re.compile(r"(?:am|is|are|do|does|what|which|any|how many|how much|how close|how far)\b")
_STATE_WORDS: Final = re.compile(r"\b(?:long|short|longs|shorts|set)\b")
# Verbs that ask about what was done or what could be done, not for doing it: "what did I cancel", "how much
# can I withdraw", "am I close to liquidation" (an adjective), "which orders have I closed".
_NOT_ASKED_TO_DO: Final = re.compile(
    r"\b(?:did|have|had|has) (?:i|we|you|it|they) (?:\w+ )?(?:cancel|close|open|place|set|buy|sell|long|short|"
    r"withdraw|send|move)\b|\bhow much (?:can|could) (?:i|we) (?:still )?(?:withdraw|send|move|take out)\b"
    r"|\b(?:close|closer) to\b")
# Up to three words and a question mark, none of them a question word ("margin ratio?", "sol funding?").
_BARE_QUESTION: Final = re.compile(r"(?!(?:how|what|whats|what's|why|when|where|which|who|can|does|do|is|are|"
                                   r"should|explain|define)\b)[\w$'%.-]+(?: [\w$'%.-]+){0,2} ?\?+")
# The live state of the market data ("is pyth lagging?", "is the feed down"): asked of now, not of a concept.
_LIVE_STATE: Final = re.compile(r"\b(?:lagging|lag|laggy|delayed|delay|stale|behind|down|live|working|up to date|"
                                r"fresh|slow|broken|stuck|frozen|updating|current)\b")
# Who pays whom on a market now ("what are longs paying on sol", "are shorts earning on btc").
_PAYING: Final = re.compile(r"\b(?:paying|pay|pays|paid|earn|earns|earning|receiving|receive|collecting|charged)\b")
# Above this similarity the nearest examples decide even a question the router would send to the docs.
SURE: Final = 0.6


def read_by_intent(intents: Any, text: str, routed: ToolCalls | None, bound: Callable[[str], bool]) -> Parsed | None:
    """The read-only call(s) a free-form question asks for, the question to ask back, or None (not a read).

    ``intents`` is the classifier (None: no free-form reads); ``routed`` is where the question router
    would send the text (:func:`agent.parser.route_question`); ``bound`` says whether a tool is available.
    """
    lowered = " ".join(text.lower().split())
    asked = _NOT_ASKED_TO_DO.sub(" ", lowered)
    # In a question about the state of things, "long", "short" and "set" describe it ("am I long anything?",
    # "what alerts do I have set?", "are longs paying?"); they ask for no action.
    action = _ACTION.search(_STATE_WORDS.sub(" ", asked) if _STATE_QUESTION.match(asked) else asked)
    if intents is None or HOW_IT_WORKS.search(lowered) or action:
        return None  # "how is my liquidation price computed?" is for the docs, whatever it is near
    if routed is not None and routed.calls[0].name == "explain_event":
        return None  # "what happened to my last order" is the trader's history
    intent = intents.classify(text)
    if intent is None or intent.name == "search_knowledge" or not bound(intent.name):
        return None
    found = arguments_for(intent.name, text)
    if routed is not None and intent.score < SURE and _reads_as_concept(lowered, intent.name, found):
        if isinstance(found, ToolCalls) and _BARE_QUESTION.fullmatch(lowered) and \
                routed.calls[0].name == "search_knowledge":
            # "margin ratio?", "isolated margin?": the trader's own figure or the concept; both are read-only,
            # so both are answered rather than one guessed.
            return ToolCalls(found.calls + routed.calls)
        # "what tick size does eth trade in", "can a reduce only order flip me short" ask how things are:
        # the docs, unless the examples are sure it is a read ("any orders still working?").
        return None
    if isinstance(found, Ambiguous) and intent.score >= SURE and _PERSONAL.search(lowered):
        return found  # "how much am i paying in funding": surely a read; the missing market is asked
    return found if isinstance(found, ToolCalls) else None  # unsure of the arguments: not this road


def _reads_as_concept(lowered: str, intent: str, found: Parsed) -> bool:
    """Whether a question the router sends to the docs asks how things are rather than how they stand now."""
    if intent == "ingest_status" and _LIVE_STATE.search(lowered):
        return False  # "is pyth lagging?"
    if intent == "get_funding" and isinstance(found, ToolCalls) and _PAYING.search(lowered) \
            and not re.search(r"\b(?:hourly|every|how often|interval)\b", lowered):
        return False  # "what are longs paying on sol": a market named, who pays now (not when funding is paid)
    return not _PERSONAL.search(lowered) or _CONCEPT_LEAD.match(lowered) is not None
