"""What the parser answers, and the one place tool arguments are built."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from pydantic import BaseModel, ValidationError

from tools.schemas import TOOL_ARGS

__all__ = ["Ambiguous", "HELP_TEXT", "NotUnderstood", "Parsed", "ToolCall", "ToolCalls",
           "bad_number", "build", "calls", "not_understood", "quoted"]

# Read once at import: a missing help file is a packaging error and should fail
# loudly at start-up, not in the middle of answering a trader.
HELP_TEXT: Final = (Path(__file__).resolve().parent.parent / "prompts" / "parser_help.md").read_text("utf-8")


@dataclass(frozen=True, slots=True)
class ToolCall:
    """One tool call; ``args`` is the validated argument model from ``tools.schemas.TOOL_ARGS``."""

    name: str
    args: BaseModel


@dataclass(frozen=True, slots=True)
class ToolCalls:
    """The text was an unambiguous command: make these calls, in order."""

    calls: tuple[ToolCall, ...]


@dataclass(frozen=True, slots=True)
class NotUnderstood:
    """Not a command the parser knows; ``help`` lists what it does understand."""

    reason: str
    help: str


@dataclass(frozen=True, slots=True)
class Ambiguous:
    """Looks like a command but lacks something or contradicts itself; ask ``question``."""

    reason: str
    question: str


Parsed = ToolCalls | NotUnderstood | Ambiguous


def not_understood(reason: str) -> NotUnderstood:
    return NotUnderstood(reason=reason, help=HELP_TEXT)


def build(name: str, question: str, **fields: Any) -> ToolCall | Ambiguous:
    """``name``'s arguments validated by its schema; a value the schema refuses
    (a zero size, a fraction over 100%) becomes a question, not an error."""
    try:
        return ToolCall(name, TOOL_ARGS[name](**fields))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        return Ambiguous(reason=f"{where}: {message}" if where else message, question=question)


def calls(*built: ToolCall | Ambiguous) -> ToolCalls | Ambiguous:
    """All the calls, or the first question if any argument set was refused."""
    for item in built:
        if isinstance(item, Ambiguous):
            return item
    return ToolCalls(tuple(item for item in built if isinstance(item, ToolCall)))


def bad_number(raw: Sequence[str]) -> Ambiguous:
    # ",5" or "1,5" may be a decimal comma or a slip of the thousands separator: ask, never pick one.
    return Ambiguous(f"cannot read {quoted(raw)} as a number",
                     f"What number did you mean by {quoted(raw)}? Write decimals with a point (0.5, 1250.5); "
                     "commas go only between thousands (1,250.50).")


def quoted(items: Sequence[str]) -> str:
    """The first few of ``items``, quoted, for a reason message."""
    return ", ".join(repr(item) for item in items[:3])
