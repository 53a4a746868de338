"""What to say when a message is not understood: one short sentence and the two nearest
commands from the help file, never the whole list (that is what `help` is for)."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Final

from agent.parser._normalize import normalize
from agent.parser._result import HELP_TEXT

__all__ = ["EXAMPLES", "is_greeting", "is_help_request", "nearest_commands"]

# Every backticked example on a bullet line of the help file (a test keeps each one understood).
EXAMPLES: Final[tuple[str, ...]] = tuple(
    example for line in HELP_TEXT.splitlines() if line.lstrip().startswith("- ")
    for example in re.findall(r"`([^`]+)`", line))
_WORDS: Final = re.compile(r"[a-z0-9]+")
_HELP_WORDS: Final = frozenset({"help", "commands", "command", "menu", "options", "usage", "what", "can", "you", "do",
                                "how", "to", "use", "this", "mikey", "list", "show", "me", "the", "i", "say"})
_GREETING_WORDS: Final = frozenset({"hi", "hello", "hey", "yo", "gm", "good", "morning", "afternoon", "evening",
                                    "thanks", "thank", "you", "thx", "ty", "cheers", "mikey", "sup", "howdy", "hiya",
                                    "there", "how", "are", "whats", "up", "much", "appreciated", "great", "cool",
                                    "nice", "awesome"})
_MIN_SCORE: Final = 0.35


def _words(text: str) -> set[str]:
    return set(_WORDS.findall(text.lower()))


def is_help_request(text: str) -> bool:
    """"help", "commands", "what can you do?"."""
    words = _words(text)
    return bool(words) and words <= _HELP_WORDS and ("help" in words or "commands" in words or "menu" in words
                                                     or {"what", "can", "you", "do"} <= words)


def is_greeting(text: str) -> bool:
    words = _words(text)
    return bool(words) and words <= _GREETING_WORDS


def nearest_commands(text: str, count: int = 2) -> list[str]:
    """The help file's examples closest to ``text`` (characters and shared words), best first."""
    typed = normalize(text)
    typed_words = _words(typed)
    scored = []
    for example in EXAMPLES:
        words = _words(example)
        overlap = len(typed_words & words) / len(typed_words | words) if typed_words | words else 0.0
        scored.append((SequenceMatcher(None, typed, example.lower()).ratio() + overlap, example))
    scored.sort(key=lambda pair: -pair[0])
    return [example for score, example in scored[:count] if score >= _MIN_SCORE]
