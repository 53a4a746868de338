"""A tool is declared once (tools.schemas.TOOLS): its description file and its handler
factory are found by its name, and no other module of tools/ spells its name."""

from __future__ import annotations

import ast
from pathlib import Path

import tools
from tools import DESCRIPTIONS, handler_factories
from tools.schemas import TOOL_ARGS, TOOLS, TRADING_TOOLS

TOOLS_DIR = Path(tools.__file__).resolve().parent


def test_every_declared_tool_has_a_description_file_and_no_file_is_left_over() -> None:
    assert {p.stem for p in DESCRIPTIONS.glob("*.md")} == {spec.name for spec in TOOLS}


def test_every_declared_tool_has_exactly_one_handler_factory() -> None:
    assert set(handler_factories()) == set(TOOL_ARGS)
    assert len(TOOLS) == len(TOOL_ARGS) == 19  # no name declared twice


def test_the_tool_lists_derive_from_the_declarations() -> None:
    assert TRADING_TOOLS == {"prepare_order", "prepare_cancel", "prepare_close", "prepare_withdraw"}
    assert list(TOOL_ARGS) == [spec.name for spec in TOOLS]
    assert all(TOOL_ARGS[spec.name] is spec.args for spec in TOOLS)


def _exported(tree: ast.Module) -> set[int]:
    """The ids of the strings in a face's ``__all__``: the handler factories' own names, not tool names typed."""
    return {id(element) for node in tree.body if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
            for element in ast.walk(node.value)}


def test_no_module_of_tools_spells_a_tool_name_outside_its_declaration() -> None:
    names = set(TOOL_ARGS)
    spelled: list[str] = []
    for path in sorted(TOOLS_DIR.glob("*.py")):
        if path.name == "schemas.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        exported = _exported(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in names \
                    and id(node) not in exported:
                spelled.append(f"{path.name}:{node.lineno} {node.value!r}")
    assert spelled == []


def test_a_handler_answers_as_the_tool_it_was_declared_for() -> None:
    from tools import get_price

    assert get_price.__name__ == "get_price"
    handler = get_price(None)  # type: ignore[arg-type]  # built, never called here
    assert handler.name == "get_price"
