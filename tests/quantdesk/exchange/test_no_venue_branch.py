"""No code outside the venue factories asks which venue it is (issue #12): callers use
the adapter's capabilities and the venue's traits, so a new venue is one factory.

The check reads the source's syntax trees: a comparison, ``match`` or lookup involving
``….venue`` or a venue's name is a branch on the venue."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SOURCES = ("quantdesk", "agent", "tools", "interfaces", "knowledge", "evals", "benchmarks", "app.py")
VENUE_NAMES = {"paper", "solana"}
# The one lookup of a venue by name, and the factories that name themselves.
FACTORIES = {"quantdesk/exchange/_venues.py", "quantdesk/exchange/paper/_factory.py",
             "quantdesk/exchange/solana/_factory.py"}


def _is_venue(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "venue") or (isinstance(node, ast.Name)
                                                                         and node.id == "venue")


def _is_venue_name(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value in VENUE_NAMES


def venue_branches(source: str) -> list[int]:
    """Line numbers of branches on the venue in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            # `settings.venue == …`, `x.venue in (…)`, and a venue's name compared with anything
            if any(_is_venue(o) or _is_venue_name(o) for o in operands) or any(
                    isinstance(o, ast.Tuple | ast.List | ast.Set) and any(_is_venue_name(e) for e in o.elts)
                    for o in operands):
                found.append(node.lineno)
        elif isinstance(node, ast.Match) and _is_venue(node.subject):
            found.append(node.lineno)
        elif isinstance(node, ast.Subscript) and _is_venue(node.slice):  # {"paper": …}[settings.venue]
            found.append(node.lineno)
    return found


def _files() -> list[Path]:
    files: list[Path] = []
    for name in SOURCES:
        path = ROOT / name
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return files


def test_no_code_outside_the_venue_factories_branches_on_the_venue() -> None:
    offenders = []
    for path in _files():
        rel = path.relative_to(ROOT).as_posix()
        if rel in FACTORIES:
            continue
        offenders += [f"{rel}:{line}" for line in venue_branches(path.read_text())]
    assert offenders == [], f"venue-name branches outside the venue factories: {offenders}"


def test_the_check_finds_each_shape_of_venue_branch() -> None:
    assert venue_branches('if settings.venue == "paper":\n    pass') == [1]
    assert venue_branches('x = 1 if self._settings.venue != "solana" else 2') == [1]
    assert venue_branches('ok = venue in ("paper", "solana")') == [1]
    assert venue_branches('ok = kind.name == "paper"') == [1]
    assert venue_branches('match settings.venue:\n    case _:\n        pass') == [1]
    assert venue_branches('f = {"paper": a}[settings.venue]') == [1]
    assert venue_branches('adapter = open_venue(settings, db, wallets)\nif adapter.history is None:\n    pass') == []


def test_the_sources_scanned_are_there() -> None:
    scanned = {p.relative_to(ROOT).as_posix() for p in _files()}
    assert FACTORIES <= scanned and "interfaces/_assembly.py" in scanned and "quantdesk/cli/_paper.py" in scanned
