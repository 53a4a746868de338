"""Command text -> tokens.

Text is split on whitespace, punctuation is trimmed from each chunk's ends, and
each chunk is classified whole (a word, a number with its unit, a Solana
address, an order id ...). Each pattern is a flat character-class run matched
against one chunk, so tokenizing is linear in the length of the text: there is
no nested repetition for a regex engine to backtrack through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal

from agent.parser._lexicon import GREETING_WORDS, MARKET_ALIASES, POLITE_WORDS, THANKS_WORDS
from agent.parser._numbers import read_decimal, shift_point

__all__ = ["Token", "TokenKind", "Unit", "Utterance", "tokenize"]

TokenKind = Literal["word", "number", "interval", "address", "ident", "badnumber", "other"]
# What a number was written as: plain, money ($500, 500usd), leverage (5x, x5), percent (25%).
Unit = Literal["", "usd", "x", "pct"]


@dataclass(frozen=True, slots=True)
class Token:
    """One classified chunk of the text.

    ``text`` is the normalized form rules compare against (lower case, no
    apostrophes; "5m" for an interval). ``raw`` is exactly as typed, for values
    whose case matters (addresses, order ids). ``start``/``end`` locate it in
    the original text. Numbers carry their exact ``value`` and ``unit``.
    """

    kind: TokenKind
    text: str
    raw: str
    start: int
    end: int
    value: Decimal | None = None
    unit: Unit = ""

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and (not words or self.text in words)

    def in_set(self, words: frozenset[str]) -> bool:
        return self.kind == "word" and self.text in words


@dataclass(frozen=True, slots=True)
class Utterance:
    """The tokens of one message, courtesy words removed, plus whether it was asked as a question."""

    text: str
    tokens: tuple[Token, ...]
    question: bool
    words: tuple[str, ...]  # the text of the word tokens, in order

    def first_word(self) -> str | None:
        return self.tokens[0].text if self.tokens and self.tokens[0].kind == "word" else None


_EDGE_PUNCT: Final = ".,!?;:()[]{}\"'`*_~“”‘’…？！。，"
_CHUNK: Final = re.compile(r"\S+")
# Base58, the length of a 32-byte public key.
_ADDRESS: Final = re.compile(r"[1-9A-HJ-NP-Za-km-z]{32,44}")
# The digits group takes every point and comma; read_decimal decides what is a number.
_NUMBER: Final = re.compile(r"([-+]?)(\$?)(x?)([0-9.,]+(?:e[-+]?[0-9]+)?)([a-z%$]*)")
_DIGITS: Final = frozenset("0123456789")
# Marks that belong to a number when they touch its digits ("…" too: "5…" is not 5).
_NUMBER_MARKS: Final = ".,…"
_WORD: Final = re.compile(r"[a-z]+")
_COMPOUND: Final = re.compile(r"[a-z]+(?:[-/][a-z]+)+")
_COMPOUND_PART: Final = re.compile(r"[^-/]+")
_IDENT: Final = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_PIECE: Final = re.compile(r"[^,;:/()\[\]]+")
_APOSTROPHES: Final = str.maketrans("", "", "'’‘")
_PNL_SPELLINGS: Final = frozenset({"p&l", "p/l", "pnl"})
_INTERVAL_UNITS: Final = {"m": "m", "min": "m", "mins": "m", "h": "h", "hr": "h", "hrs": "h", "d": "d"}
_MONEY_SUFFIXES: Final = frozenset({"$", "usd", "usdc"})
_INTEGER: Final = re.compile(r"[0-9]+")


def tokenize(text: str) -> Utterance:
    """Classify every chunk of ``text``; never raises."""
    tokens: list[Token] = []
    for match in _CHUNK.finditer(text):
        offset, core = _trim(match.group())
        if core:
            tokens.extend(_classify(core, match.start() + offset, split=True))
    kept = _drop_courtesy(tokens)
    return Utterance(text=text, tokens=kept, question="?" in text or "？" in text,
                     words=tuple(t.text for t in kept if t.kind == "word"))


def _trim(chunk: str) -> tuple[int, str]:
    """``chunk`` without its edge punctuation, and where what is left starts in it.

    A number's own points and commas are not punctuation: ".5" is 0.5, never 5,
    and ",5" or "5.." stay whole so that they are asked about instead of being
    read as 5. One trailing "." or "," after digits is a full stop or a list
    comma ("long 2 sol at 150.", "5." is exactly 5).
    """
    core = chunk.lstrip(_EDGE_PUNCT)
    offset = len(chunk) - len(core)
    if core[:1] in _DIGITS and offset:
        offset -= len(chunk[:offset]) - len(chunk[:offset].rstrip(_NUMBER_MARKS))
        core = chunk[offset:]
    body = core.rstrip(_EDGE_PUNCT)
    if body[-1:] in _DIGITS:
        after = core[len(body):]
        marks = after[:len(after) - len(after.lstrip(_NUMBER_MARKS))]
        if marks not in ("", ".", ","):
            body += marks
    return offset, body


def _classify(core: str, start: int, *, split: bool) -> list[Token]:
    out: list[Token] = []
    # "@150" is "at 150".
    while core.startswith("@"):
        out.append(Token("word", "at", "@", start, start + 1))
        core, start = core[1:], start + 1
    if not core:
        return out
    end = start + len(core)
    lower = core.lower()

    if _ADDRESS.fullmatch(core) and not (core.isalpha() and core.islower()):
        return [*out, Token("address", core, core, start, end)]

    number = _NUMBER.fullmatch(lower)
    if number is not None:
        tokens = _number_tokens(number, core, start)
        if tokens is not None:
            return [*out, *tokens]

    word = lower.translate(_APOSTROPHES)
    if word in _PNL_SPELLINGS:
        return [*out, Token("word", "pnl", core, start, end)]
    if _WORD.fullmatch(word):
        return [*out, Token("word", word, core, start, end)]
    if _COMPOUND.fullmatch(word):
        # "sol-perp", "stop-loss", "take-profit", "reduce-only": each part is its own word.
        for part in _COMPOUND_PART.finditer(core):
            out.append(Token("word", part.group().lower().translate(_APOSTROPHES), part.group(),
                             start + part.start(), start + part.end()))
        return out

    ident = lower.removeprefix("#")
    if _IDENT.fullmatch(ident) and any(c.isdigit() for c in ident):
        raw = core.removeprefix("#")
        return [*out, Token("ident", ident, raw, end - len(raw), end)]

    if split:
        # "sol,eth" or "(5x)": classify the pieces, once; anything still unknown stays unknown.
        pieces = list(_PIECE.finditer(core))
        if len(pieces) > 1 or (pieces and pieces[0].group() != core):
            for piece in pieces:
                offset, inner = _trim(piece.group())
                if inner:
                    out.extend(_classify(inner, start + piece.start() + offset, split=False))
            return out
    return [*out, Token("other", lower, core, start, end)]


def _number_tokens(match: re.Match[str], core: str, start: int) -> list[Token] | None:
    """The token(s) for a chunk shaped like a number, or None if its suffix is not one we know."""
    sign, dollar, x_prefix, digits, suffix = match.groups()
    if not _DIGITS & set(digits):
        return None  # "$.k" has no digits: not a number at all
    end = start + len(core)
    value = read_decimal(digits)
    if value is None:
        return [Token("badnumber", core.lower(), core, start, end)]
    if sign == "-":
        value = value.copy_negate()  # exact, unlike unary minus, which rounds to context precision
    money, leverage = dollar == "$", x_prefix == "x"

    def number(unit: Unit, amount: Decimal = value, stop: int = end) -> Token:
        return Token("number", core[: stop - start].lower(), core[: stop - start], start, stop, amount, unit)

    if suffix == "":
        return [number("x" if leverage else "usd" if money else "")] if not (money and leverage) else None
    if leverage:
        return None  # "x5" takes no suffix
    if suffix in MARKET_ALIASES:  # "2sol"
        split_at = end - len(suffix)
        return [number("usd" if money else "", stop=split_at),
                Token("word", suffix, core[split_at - start:], split_at, end)]
    if suffix == "k":
        return [number("usd" if money else "", shift_point(value, 3))]
    if suffix in _MONEY_SUFFIXES:
        return [number("usd")]
    if money:
        return None
    if suffix == "x":
        return [number("x")]
    if suffix == "%":
        return [number("pct")]
    if suffix in _INTERVAL_UNITS and not sign and _INTEGER.fullmatch(digits):
        # Strip leading zeros by hand: int() refuses very long digit strings.
        count = digits.lstrip("0") or "0"
        return [Token("interval", f"{count}{_INTERVAL_UNITS[suffix]}", core, start, end)]
    return None


def _drop_courtesy(tokens: list[Token]) -> tuple[Token, ...]:
    kept = [t for t in tokens if not t.in_set(POLITE_WORDS)]
    begin, stop = 0, len(kept)
    while begin < stop and kept[begin].in_set(GREETING_WORDS):
        begin += 1
    while begin < stop:
        if kept[stop - 1].in_set(THANKS_WORDS):
            stop -= 1
        elif stop - begin >= 2 and kept[stop - 2].is_word("thank") and kept[stop - 1].is_word("you"):
            stop -= 2
        else:
            break
    return tuple(kept[begin:stop])
