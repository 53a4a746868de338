"""A close of every open position: "close all my positions", "close everything", "flatten me".

The parser alone cannot build it (which positions exist is the account's to say), so this
only recognises the request; the rules model reads the positions first and then prepares
one close ticket at a time, as for any other multi-ticket request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from agent.parser._lexicon import CLOSE_FILLERS, CLOSE_VERBS, MARKET_ALIASES, WHOLE_WORDS
from agent.parser._normalize import normalize
from agent.parser._tokens import tokenize

__all__ = ["CloseAll", "closes_everything"]

_SIDES: Final[dict[str, Literal["long", "short"]]] = {"longs": "long", "shorts": "short", "long": "long",
                                                      "short": "short"}
# Words that may stand around "all": "flatten me", "close out everything", "close all of it up".
_AROUND: Final = frozenset({"me", "up", "out", "everything", "book", "account", "open", "every", "them", "of"})
_REFERENCES: Final = frozenset({"it", "that", "this", "them", "those"})


@dataclass(frozen=True)
class CloseAll:
    """Close every open position (of ``side`` only, when the trader named one)."""

    side: Literal["long", "short"] | None = None


def closes_everything(text: str) -> CloseAll | None:
    """The request to close all positions in ``text``, or None when it names less (a market, a part,
    a size) or something else."""
    u = tokenize(normalize(text))
    if u.question or not u.tokens or u.first_word() not in CLOSE_VERBS:
        return None
    rest = u.tokens[1:]
    if any(t.kind != "word" for t in rest):
        return None  # a size or a share: a partial close names its market
    words = {t.text for t in rest}
    if words & set(MARKET_ALIASES) or not words <= CLOSE_FILLERS | WHOLE_WORDS | _AROUND | set(_SIDES):
        return None
    if words & _REFERENCES and not words & WHOLE_WORDS:
        return None  # "close them" points at something listed: the follow-up rules read it
    sides = {_SIDES[w] for w in words & set(_SIDES)}  # "close all longs and shorts": both, so every one
    says_all = bool(words & (WHOLE_WORDS | {"every", "positions", "longs", "shorts"}))
    if not says_all and not (u.first_word() == "flatten" and words <= {"me", "out", "my", "book", "account"}):
        return None
    return CloseAll(sides.pop() if len(sides) == 1 else None)
