"""A ticket's voice confirmation code: 4 characters derived from its hash, said
with the NATO alphabet ("Kilo seven Mike three") and read back by the trader.

The code is letter, digit, letter, digit, from an alphabet without the letters and
digits people confuse (no I, L, O, U, 0, 1). Because two of its places are always
digits, no word a trader might say instead ("yes", "do it", "sure", "okay")
can ever be a code. It is not a secret (whoever holds the ticket's hash can
compute it): it proves the trader heard *this* ticket, not who they are; the API
key says who, and the approval is then bound to the ticket's full hash.
"""

from __future__ import annotations

import hashlib
import hmac
import re

_LETTERS = "ABCDEFGHJKMNPQRSTVWXYZ"
_DIGITS = "23456789"
_NATO = {"A": "Alpha", "B": "Bravo", "C": "Charlie", "D": "Delta", "E": "Echo", "F": "Foxtrot", "G": "Golf",
         "H": "Hotel", "J": "Juliett", "K": "Kilo", "M": "Mike", "N": "November", "P": "Papa", "Q": "Quebec",
         "R": "Romeo", "S": "Sierra", "T": "Tango", "V": "Victor", "W": "Whiskey", "X": "X-ray", "Y": "Yankee",
         "Z": "Zulu"}
_SPOKEN_DIGITS = {"two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
                  "nine": "9", "niner": "9"}
_HEARD_LETTERS = {word.lower().replace("-", ""): letter for letter, word in _NATO.items()} | {"juliet": "J"}
_DIGIT_WORDS = {v: k for k, v in _SPOKEN_DIGITS.items() if k != "niner"}


def voice_code(ticket_hash: str) -> str:
    """The 4-character code of the ticket with this (full, hex) hash."""
    digest = hashlib.sha256(b"mikey voice code v1:" + bytes.fromhex(ticket_hash)).digest()
    n = int.from_bytes(digest[:8], "big")
    out = []
    for alphabet in (_LETTERS, _DIGITS, _LETTERS, _DIGITS):
        n, index = divmod(n, len(alphabet))
        out.append(alphabet[index])
    return "".join(out)


def spoken_code(code: str) -> str:
    """"K7M3" as it is said: "Kilo seven Mike three"."""
    return " ".join(_NATO[ch] if ch in _NATO else _DIGIT_WORDS[ch] for ch in code)


def heard_code(spoken: str) -> str:
    """What a trader read back, as code characters: "K7M3", "k-7-m-3" and "kilo seven
    mike three" are all "K7M3". Words that are neither letters nor digits of the
    alphabet stay in (so "yes" stays "YES", which is no code)."""
    out = []
    for word in re.findall(r"[A-Za-z0-9]+", re.sub(r"x[\s-]ray", "xray", spoken, flags=re.IGNORECASE)):
        lowered = word.lower()
        if lowered in _HEARD_LETTERS:
            out.append(_HEARD_LETTERS[lowered])
        elif lowered in _SPOKEN_DIGITS:
            out.append(_SPOKEN_DIGITS[lowered])
        else:
            out.append(word.upper())
    return "".join(out)


def code_matches(spoken: str, ticket_hash: str) -> bool:
    """Whether ``spoken`` reads back exactly this ticket's code."""
    return hmac.compare_digest(heard_code(spoken).encode(), voice_code(ticket_hash).encode())
