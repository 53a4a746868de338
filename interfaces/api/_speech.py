"""Replies rendered for text-to-speech (``format=speech``): no markdown, tables or
emoji; numbers, money, leverage and percentages in words; market symbols as
words; hashes, signatures and timestamps left out (nobody reads those aloud).

Rendering works on one sentence or line at a time, so a reply streams sentence by
sentence (:class:`SentenceStream`): the first sentence can be spoken while the rest
of the turn is still running. That is why markdown is cleaned with a few
line-local rules here rather than by a markdown parser, which needs the whole
document before it can say what anything is.
"""

from __future__ import annotations

import re
import unicodedata

import emoji

from interfaces.api._numbers import spoken_money, spoken_number
from quantdesk.markets import MARKET_TABLE

_NUMBER = r"\d[\d,]*(?:\.\d+)?"
# A sentence ends at . ! ? followed by white space (so 146.78 is not split), or at a line break.
_BOUNDARY = re.compile(r"(?<=[.!?…])\s+|\n+")

_BASES = MARKET_TABLE.spoken  # SOL -> SOL, BTC -> bitcoin, ETH -> ether
_ANY_BASE = "|".join(map(re.escape, _BASES))
# Tickers said as a name of their own ("BTC" -> "bitcoin"); "SOL" reads fine as it is.
_RENAMED = "|".join(re.escape(base) for base, spoken in _BASES.items() if spoken != base) or r"(?!)"
_WORDS = [
    (re.compile(rf"\b({_ANY_BASE})-PERP\b"), lambda m: f"{_BASES[m.group(1)]} perp"),
    (re.compile(rf"\b({_ANY_BASE})/USD\b"), lambda m: _BASES[m.group(1)]),
    (re.compile(rf"\b({_RENAMED})\b"), lambda m: _BASES[m.group(1)]),
    (re.compile(r"\bUSDC\b"), lambda _m: "U S D C"),
    (re.compile(r"\buPnL\b"), lambda _m: "unrealized profit and loss"),
    (re.compile(r"\bPnL\b"), lambda _m: "profit and loss"),
    (re.compile(r"\bbps\b"), lambda _m: "basis points"),
]
_SYMBOLS = {"±": " plus or minus ", "÷": " divided by ", "×": " times ", "→": " to ", "—": ", ", "–": ", ",
            "&": " and ", "@": " at ", "~": " about ", "≈": " about ", "|": ", "}
_DROPPED = [
    re.compile(r"!?\[([^\]]*)\]\([^)]*\)"),  # links and images: keep their text (group 1)
    re.compile(r"https?://\S+"),
    re.compile(r"\b(?:[Tt]ransaction|tx)\s+[A-Za-z0-9]+…?"),
    re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"),
    # Hashes, signatures, addresses (letters and digits mixed, 8+ long, maybe cut with "…").
    re.compile(r"\b(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{8,}\b…?"),
]
_NUMBERS = [
    (re.compile(rf"(-)?\$(-)?({_NUMBER})"), lambda m: spoken_money(("-" if m.group(1) or m.group(2) else "")
                                                                   + m.group(3))),
    (re.compile(rf"(leverage\s+)?(?<![\w.])({_NUMBER})\s?x\b(\s+leverage\b)?"),
     lambda m: f"leverage {spoken_number(m.group(2))} x" if m.group(1) else f"{spoken_number(m.group(2))} x leverage"),
    (re.compile(rf"(-?{_NUMBER})\s?%"), lambda m: f"{spoken_number(m.group(1))} percent"),
    # A bare number after a price word is a price: "at 146.723" is about one hundred forty six dollars.
    (re.compile(rf"\b(at|mark|price|fill|entry|oracle|bound|trigger)\s+({_NUMBER})(?![\d.,]*\s?(?:x\b|%|[A-Z]{{2}}))"),
     lambda m: f"{m.group(1)} {spoken_money(m.group(2))}"),
    (re.compile(r"(?<![\w.])(\d+)\s?s\b"), lambda m: f"{spoken_number(m.group(1))} second"
     + ("" if m.group(1) == "1" else "s")),
    (re.compile(r"(?<![\w.])(\d+)(m|h|d)\b"), lambda m: f"{spoken_number(m.group(1))} "
     + {"m": "minute", "h": "hour", "d": "day"}[m.group(2)] + ("" if m.group(1) == "1" else "s")),
    (re.compile(r"#(\d+)"), lambda m: f"number {spoken_number(m.group(1))}"),
    (re.compile(rf"(?<![\w.])(-?{_NUMBER})"), lambda m: spoken_number(m.group(1))),
]


def _line(text: str) -> str:
    """One line without its markdown block syntax (heading, bullet, quote, table row)."""
    line = text.strip()
    if line.startswith("```") or re.fullmatch(r"\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?", line):
        return ""  # a code fence or a table's separator row
    line = re.sub(r"^(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+)", "", line)
    if line.startswith("|"):
        line = ", ".join(cell.strip() for cell in line.strip("|").split("|") if cell.strip())
    return line


def speak(text: str) -> str:
    """``text`` (a sentence, a line or a few) as it should be said; "" when nothing is left to say."""
    lines = [_line(line) for line in text.splitlines()]
    text = ". ".join(line.rstrip(".") if i < len(lines) - 1 else line for i, line in enumerate(lines) if line)
    text = _DROPPED[0].sub(r"\1", text)
    for pattern in _DROPPED[1:]:
        text = pattern.sub("", text)
    text = emoji.replace_emoji(text, "")
    # What the emoji list does not know (dingbats, arrows used as icons) and variation selectors.
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("So", "Mn", "Cf") or ch in _SYMBOLS)
    text = text.replace("(s)", "s")
    text = re.sub(r"[*`~]+|(?<!\w)_+|_+(?!\w)", "", text).replace("_", " ")
    text = text.replace("@", " at ")  # before the numbers: "@ 146.72" is a price
    for pattern, spoken in _WORDS:
        text = pattern.sub(spoken, text)
    for pattern, spoken in _NUMBERS:
        text = pattern.sub(spoken, text)
    for symbol, spoken in _SYMBOLS.items():
        text = text.replace(symbol, spoken)
    text = re.sub(r"[<>#\[\]{}\\^=]", " ", text)
    text = re.sub(r"\(\s*\)", "", text)
    text = re.sub(r"\s+([,.;:!?)])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    text = re.sub(r"\s{2,}", " ", text).strip(" ,;:")
    return text


def spoken_sentences(text: str) -> list[str]:
    """``text`` (raw, or already spoken) as the sentences to say, one by one."""
    return [s for s in (speak(p) for p in _BOUNDARY.split(text)) if s]


class SentenceStream:
    """Text arriving in pieces (a model's tokens) out as whole spoken sentences."""

    def __init__(self) -> None:
        self._pending = ""

    def feed(self, delta: str) -> list[str]:
        """The sentences ``delta`` completes, spoken; the unfinished rest waits for more."""
        self._pending += delta
        pieces = _BOUNDARY.split(self._pending)
        self._pending = pieces.pop()
        return [s for s in (speak(p) for p in pieces) if s]

    def flush(self) -> list[str]:
        """Whatever is left, at the end of the turn (or before a ticket or an execution is said)."""
        rest, self._pending = self._pending, ""
        spoken = speak(rest)
        return [spoken] if spoken else []
