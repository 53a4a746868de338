"""Prompt files, read from agent/prompts/ (reviewed like code, not scattered strings)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

PROMPTS = Path(__file__).resolve().parent / "prompts"


@cache
def prompt(name: str) -> str:
    """The text of ``agent/prompts/<name>.md``."""
    return (PROMPTS / f"{name}.md").read_text(encoding="utf-8").strip()
