"""The engine is integer arithmetic only: no float literal, no ``float()``/``round()``,
no true division, no float-producing modules anywhere in its source."""

from __future__ import annotations

import ast
from pathlib import Path

import quantdesk.engine as engine

PACKAGE = Path(engine.__file__).parent
SOURCES = sorted(PACKAGE.rglob("*.py"))


def _violations(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        where = f"{path.relative_to(PACKAGE)}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Constant) and isinstance(node.value, (float, complex)):
            found.append(f"{where} float literal {node.value!r}")
        elif isinstance(node, (ast.BinOp, ast.AugAssign)) and isinstance(node.op, ast.Div):
            found.append(f"{where} true division")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("float", "round"):
            found.append(f"{where} {node.func.id}()")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] + (
                [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
            )
            for name in names:
                if name.split(".")[0] in ("math", "decimal", "fractions", "statistics", "random", "time", "datetime"):
                    found.append(f"{where} imports {name}")
    return found


def test_the_scan_sees_the_whole_package() -> None:
    names = {p.name for p in SOURCES}
    assert {"_math.py", "_risk.py", "_settlement.py", "_keeper.py", "_trading.py", "_state.py"} <= names


def test_no_float_or_true_division_in_the_engine() -> None:
    problems = [v for path in SOURCES for v in _violations(path)]
    assert problems == []
