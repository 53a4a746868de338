"""The layout is the architecture: each package is used through its face, and imports
point one way.

Faces. A package's ``__init__.py`` is its contract: what it lists in ``__all__`` is what
other packages may use. Nothing outside a package imports its private parts: neither a
``_module`` (``quantdesk.exchange._builder``) nor a ``_name``. A module inside a package
may (``quantdesk/exchange/paper/_x.py`` may import ``quantdesk.exchange._builder``).

Direction. interfaces (with ``app.py``) -> agent -> tools -> knowledge -> quantdesk; a
module imports only its own layer or the ones below it. evals/ and benchmarks/ sit on
top of everything and may import any face (not each other). quantdesk.engine, the pure
mirror of ``programs/perp_engine``, imports nothing of the project but quantdesk.errors.

tests/ rule. Tests sit on top too and import faces like any other client. A test that
specifies a private module's internals may import the privates of the one package it
mirrors, and only where a face would have to grow just for it; those places are listed
in ``TEST_PRIVATE_ALLOWED`` (path prefix -> packages), kept short on purpose: the engine's
own tests (its fixed-point helpers in ``_math`` are what they specify), the ledger's
differential test (the paper read models against the engine's private trigger rule and
the executor's no-oracle marker) and the parser's property test (every word of its
private lexicon).

The pattern is the engine's ``tests/quantdesk/engine/test_integers_only.py`` (an AST walk), the
exported-members half is httpx's ``tests/test_exported_members.py``.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# The layers, lowest first; a module may import its own layer and those below.
LAYERS: dict[str, int] = {"quantdesk": 0, "knowledge": 1, "tools": 2, "agent": 3, "interfaces": 4,
                          "evals": 5, "benchmarks": 5, "tests": 6}
SOURCE_ROOTS = ("quantdesk", "agent", "tools", "knowledge", "interfaces", "evals", "benchmarks")
# The engine stands apart: the project parts it may import.
ENGINE = "quantdesk.engine"
ENGINE_MAY_IMPORT = ("quantdesk.errors",)

TEST_PRIVATE_ALLOWED: dict[str, tuple[str, ...]] = {
    "tests/quantdesk/engine": ("quantdesk.engine",),
    "tests/quantdesk/exchange/paper/test_ledger_differential.py": ("quantdesk.engine", "quantdesk.exchange.paper"),
    "tests/agent/parser/test_parser_properties.py": ("agent.parser",),
    "tests/quantdesk/test_markets.py": ("agent.parser",),  # the lexicon's market words come from the table
}


@dataclass(frozen=True)
class Violation:
    where: str
    line: int
    statement: str
    why: str

    def __str__(self) -> str:
        return f"{self.where}:{self.line}: {self.statement}  <- {self.why}"


def package_of(relpath: str) -> str:
    """The package a file is inside; app.py (at the root) is inside none."""
    return ".".join(Path(relpath).with_suffix("").parts[:-1])


def layer_of(relpath: str) -> str:
    first = Path(relpath).parts[0]
    return "interfaces" if first == "app.py" else first


def _private_owner(dotted: str) -> str | None:
    """The package whose private part ``dotted`` names, or None if it is all public."""
    parts = dotted.split(".")
    for i, part in enumerate(parts):
        if part.startswith("_") and not part.startswith("__"):
            return ".".join(parts[:i])
    return None


def _inside(me: str, owner: str) -> bool:
    return me == owner or me.startswith(owner + ".")


def _allowed(relpath: str, owner: str, allowed: dict[str, tuple[str, ...]]) -> bool:
    return any((relpath == key or relpath.startswith(key.rstrip("/") + "/")) and owner in packages
               for key, packages in allowed.items())


def check_source(relpath: str, source: str,
                 allowed: dict[str, tuple[str, ...]] = TEST_PRIVATE_ALLOWED) -> list[Violation]:
    """Every import in one module that breaks a face or the direction."""
    me, layer = package_of(relpath), layer_of(relpath)
    found = []
    for node in ast.walk(ast.parse(source, filename=relpath)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            targets = [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        statement = ast.unparse(node)
        for target in targets:
            top = target.split(".")[0]
            if top not in SOURCE_ROOTS:
                continue
            owner = _private_owner(target)
            if owner is not None and not _inside(me, owner) and not _allowed(relpath, owner, allowed):
                found.append(Violation(relpath, node.lineno, statement,
                                       f"private part of {owner or top}: import it from the face `{owner}`"))
            if LAYERS[top] > LAYERS[layer] or (LAYERS[top] == LAYERS[layer] and top != layer):
                found.append(Violation(relpath, node.lineno, statement,
                                       f"{layer}/ may not import {top}/ (interfaces -> agent -> tools -> "
                                       "knowledge -> quantdesk)"))
            if _inside(me, ENGINE) and not _inside(target, ENGINE) and not any(
                    _inside(target, ok) for ok in ENGINE_MAY_IMPORT):
                found.append(Violation(relpath, node.lineno, statement,
                                       f"the engine stands apart: it imports only {', '.join(ENGINE_MAY_IMPORT)}"))
    return found


def sources(root: Path = REPO) -> Iterable[Path]:
    for name in (*SOURCE_ROOTS, "tests"):
        yield from sorted((root / name).rglob("*.py"))
    yield root / "app.py"


def check_tree(root: Path = REPO) -> list[Violation]:
    return [v for path in sources(root) if path.exists()
            for v in check_source(path.relative_to(root).as_posix(), path.read_text())]


# ---- faces: what each __init__ lists exists, and what it imports from itself it lists ----

def faces(root: Path = REPO) -> list[str]:
    return sorted(".".join(p.relative_to(root).parent.parts) for name in SOURCE_ROOTS
                  for p in (root / name).rglob("__init__.py"))


def face_problems(package: str, source: str, members: dict[str, object]) -> list[str]:
    """httpx's rule for one face: every name in ``__all__`` is there, and every public
    name the face takes from its own modules (or defines) is in ``__all__``."""
    listed = members.get("__all__")
    if not isinstance(listed, list | tuple):
        return [f"{'/'.join(package.split('.'))}/__init__.py: no __all__ "
                "(list what the package exports, [] for nothing)"]
    where = "/".join(package.split("."))
    problems = [f"{where}/__init__.py: __all__ lists {name!r}, which the package does not have"
                for name in listed if name not in members]
    tree = ast.parse(source)
    # A name the face imports and then uses itself (a command it registers) is its own business;
    # one it imports only to hand on is an export and must be listed.
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and _inside(node.module, package):
            names = [(alias.asname or alias.name, node.lineno) for alias in node.names
                     if (alias.asname or alias.name) not in used]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = [(node.name, node.lineno)]
        else:
            continue
        problems += [f"{where}/__init__.py:{line}: {name!r} is imported or defined but not in __all__"
                     for name, line in names if not name.startswith("_") and name not in listed]
    return problems


# ---- the checks on this repository ----

def test_no_import_breaks_a_face_or_the_direction() -> None:
    violations = check_tree()
    assert not violations, "imports against the layout:\n" + "\n".join(map(str, violations))


@pytest.mark.parametrize("package", faces())
def test_each_face_exports_what_it_lists(package: str) -> None:
    module = importlib.import_module(package)
    members = {name: getattr(module, name) for name in getattr(module, "__all__", [])
               if hasattr(module, name)} | vars(module)
    source = (REPO / Path(*package.split(".")) / "__init__.py").read_text()
    assert face_problems(package, source, members) == []


def test_the_walk_sees_every_part() -> None:
    seen = {Path(p).relative_to(REPO).parts[0] for p in sources() if p.exists()}
    assert set(SOURCE_ROOTS) | {"tests", "app.py"} <= seen


# ---- the checker can fail ----

def test_a_private_import_across_packages_is_named_with_its_line() -> None:
    found = check_source("tools/_x.py", "import os\nfrom quantdesk.exchange._builder import OrderParams\n")
    assert [str(v) for v in found] == [
        "tools/_x.py:2: from quantdesk.exchange._builder import OrderParams  <- private part of quantdesk.exchange: "
        "import it from the face `quantdesk.exchange`"]


def test_private_names_and_plain_imports_of_private_modules_are_flagged() -> None:
    source = "import agent._checkpoint\nfrom quantdesk.engine._keeper import x\nfrom knowledge import _facts\n"
    assert [v.line for v in check_source("interfaces/_y.py", source)] == [1, 2, 3]


def test_inside_a_package_its_privates_are_fine() -> None:
    source = "from quantdesk.exchange._builder import OrderParams\nfrom quantdesk.exchange.paper._ledger import A\n"
    assert check_source("quantdesk/exchange/paper/_keepers.py", source) == []


def test_an_import_against_the_direction_is_flagged() -> None:
    found = check_source("tools/_z.py", "from agent import ChatSession\n")
    assert len(found) == 1 and "tools/ may not import agent/" in found[0].why
    assert check_source("quantdesk/trading/_q.py", "import knowledge\n")[0].line == 1
    assert check_source("evals/_e.py", "from benchmarks import run\n") != []
    assert check_source("interfaces/_w.py", "from agent import ChatSession\nfrom knowledge import Hit\n") == []


def test_the_engine_imports_only_the_error_root() -> None:
    assert check_source("quantdesk/engine/_m.py", "from quantdesk.errors import VenueError\n") == []
    found = check_source("quantdesk/engine/_m.py", "from quantdesk.exchange import PerpIdl\n")
    assert [v.why for v in found] == ["the engine stands apart: it imports only quantdesk.errors"]


def test_tests_import_faces_unless_listed() -> None:
    source = "from quantdesk.engine._math import ceil_div\n"
    assert check_source("tests/quantdesk/engine/test_m.py", source) == []
    assert len(check_source("tests/paper/test_m.py", source)) == 1
    assert check_source("tests/paper/test_m.py", source, {"tests/paper": ("quantdesk.engine",)}) == []


def test_a_synthetic_tree_with_one_bad_import_fails(tmp_path: Path) -> None:
    for name in (*SOURCE_ROOTS, "tests"):
        (tmp_path / name).mkdir()
    (tmp_path / "app.py").write_text("from interfaces import open_mikey\n")
    (tmp_path / "agent" / "graph.py").write_text("from interfaces._assembly import open_mikey\n")
    assert [str(v).split("  <-")[0] for v in check_tree(tmp_path)] == [
        "agent/graph.py:1: from interfaces._assembly import open_mikey",
        "agent/graph.py:1: from interfaces._assembly import open_mikey"]


def test_a_face_that_hides_or_invents_a_name_fails() -> None:
    source = "from pkg._a import A, B\n__all__ = ['A', 'C']\n"
    problems = face_problems("pkg", source, {"__all__": ["A", "C"], "A": 1, "B": 2})
    assert problems == ["pkg/__init__.py: __all__ lists 'C', which the package does not have",
                        "pkg/__init__.py:1: 'B' is imported or defined but not in __all__"]
    assert face_problems("pkg", "", {}) == [
        "pkg/__init__.py: no __all__ (list what the package exports, [] for nothing)"]
