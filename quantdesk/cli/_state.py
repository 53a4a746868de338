"""What every CLI command receives: the settings, read once in the callback."""

from __future__ import annotations

from dataclasses import dataclass

import typer
from rich.console import Console

from quantdesk.config import Settings


@dataclass(frozen=True)
class CliState:
    settings: Settings
    debug: bool
    console: Console


def state(ctx: typer.Context) -> CliState:
    """The CliState the root callback stored on the click context."""
    root = ctx.find_root()
    assert isinstance(root.obj, CliState), "root callback did not run"
    return root.obj
