"""One tool call as a trader sees it, for every chat surface: its trader-facing
label (never the internal tool name) and what came of it, in one short line."""

from __future__ import annotations

from typing import Any

from tools import tool_label


def step_label(result: dict[str, Any]) -> str:
    """``get_price`` → ``Price``."""
    label = tool_label(str(result.get("name", "")))
    return label[:1].upper() + label[1:]


def step_outcome(result: dict[str, Any]) -> tuple[bool, str]:
    """Whether the call worked, and ``done`` or the first line of its error."""
    ok = result.get("status") == "success"
    return ok, "done" if ok else str(result.get("text", "failed")).removeprefix("error: ").split("\n")[0]
