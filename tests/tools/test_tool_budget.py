"""The whole tool set fits a model's view: every tool's name, description and
argument schema together stay under 3,000 tokens."""

from __future__ import annotations

import json

from langchain_core.utils.function_calling import convert_to_openai_tool

from tools import Toolbox
from tools.schemas import TOOL_ARGS

# No tokenizer ships offline; 3.2 characters per token is a conservative estimate
# for JSON schema text (OpenAI's tokenizers average ~4 on such text).
CHARS_PER_TOKEN = 3.2


def test_every_tool_has_a_short_description_file() -> None:
    toolbox = Toolbox({name: (lambda _a, _c: None) for name in TOOL_ARGS})  # schemas only; never called
    for tool in toolbox.schemas():
        assert 20 <= len(tool.description) <= 200, tool.name


def test_all_tool_schemas_together_stay_under_3000_tokens() -> None:
    toolbox = Toolbox({name: (lambda _a, _c: None) for name in TOOL_ARGS})
    rendered = json.dumps([convert_to_openai_tool(t) for t in toolbox.schemas()], separators=(",", ":"))
    estimated_tokens = len(rendered) / CHARS_PER_TOKEN
    assert len(toolbox.schemas()) == len(TOOL_ARGS) == 19
    assert estimated_tokens < 3000, f"{estimated_tokens:.0f} estimated tokens"
