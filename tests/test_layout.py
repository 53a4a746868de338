"""tests/ is a mirror of the code: a test folder names the package it tests
(tests/quantdesk/exchange/paper tests quantdesk/exchange/paper; tests/agent/graph tests
agent/graph.py), and a test module
directly in a folder tests a module or subpackage of that package. The only folders
that mirror nothing are the shared support ones listed here."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TESTS = REPO / "tests"
# Support, not tests of one package: protocol doubles of remote services, the Anchor TS
# client's byte-agreement project, recorded test data.
SUPPORT = {"doubles", "anchor_ts", "data", "node_modules", "__pycache__"}


def mirror_misses(tests: Path, repo: Path) -> list[str]:
    """Every test folder under ``tests`` whose code counterpart under ``repo`` is not a
    package (or a folder such as benchmarks/ holding modules)."""
    misses = []
    for folder in sorted(p for p in tests.rglob("*") if p.is_dir()):
        rel = folder.relative_to(tests)
        if SUPPORT.intersection(rel.parts):
            continue
        code = repo / rel
        if not (code.is_dir() or code.with_suffix(".py").is_file()):
            misses.append(f"tests/{rel.as_posix()} mirrors no folder or module {rel.as_posix()} of the code")
    return misses


def test_every_test_folder_mirrors_a_code_folder() -> None:
    assert mirror_misses(TESTS, REPO) == []


def test_a_folder_that_mirrors_nothing_is_named(tmp_path: Path) -> None:
    (tmp_path / "quantdesk" / "market").mkdir(parents=True)
    (tmp_path / "tests" / "quantdesk" / "market").mkdir(parents=True)
    (tmp_path / "tests" / "paper").mkdir()
    (tmp_path / "tests" / "doubles").mkdir()
    assert mirror_misses(tmp_path / "tests", tmp_path) == ["tests/paper mirrors no folder or module paper of the code"]
