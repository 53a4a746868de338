"""What each tool is called where a trader can read it (the web page's steps, error
texts): internal tool names are for the model and the logs, never the trader's text."""

from __future__ import annotations

from tools.schemas import TOOL_SPECS


def tool_label(name: str) -> str:
    """The trader-facing name of a tool: ``get_price`` → ``price``."""
    spec = TOOL_SPECS.get(name)
    return spec.label if spec is not None else name.removeprefix("get_").replace("_", " ")
