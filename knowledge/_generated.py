"""Generated sections of the trader docs: the blocks between
``<!-- generated:NAME -->`` and ``<!-- /generated -->`` are rendered from the code
(:data:`BLOCKS`), never typed by hand. :func:`render_docs` re-renders every block
of every doc; :func:`stale_blocks` says which blocks differ from the code (the
docs-vs-code test and ``python -m knowledge.generate --check`` use it)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from knowledge._facts import CodeFacts, code_facts
from knowledge._tables import TABLES
from knowledge._worked import WORKED

__all__ = ["BLOCKS", "DOCS_DIR", "StaleBlock", "heading_problems", "render_docs", "render_text", "stale_blocks"]

DOCS_DIR = Path(__file__).resolve().parent / "docs"
BLOCKS: dict[str, Callable[[CodeFacts], str]] = {**TABLES, **WORKED}

_BLOCK = re.compile(r"(<!-- generated:(?P<name>[a-zA-Z0-9:_-]+) -->\n)(?P<body>.*?)(<!-- /generated -->)", re.DOTALL)


class UnknownBlock(KeyError):
    """A doc names a generated block no renderer produces."""


@dataclass(frozen=True)
class StaleBlock:
    doc: str
    name: str


def render_text(text: str, facts: CodeFacts, *, doc: str = "?") -> str:
    """``text`` with each generated block's body replaced by what the code renders now."""

    def fill(match: re.Match[str]) -> str:
        name = match["name"]
        if name not in BLOCKS:
            raise UnknownBlock(f"{doc}: unknown generated block {name!r}; known: {sorted(BLOCKS)}")
        return f"{match[1]}{BLOCKS[name](facts).rstrip()}\n{match[4]}"

    return _BLOCK.sub(fill, text)


def block_names(text: str) -> list[str]:
    return [m["name"] for m in _BLOCK.finditer(text)]


def stale_blocks(facts: CodeFacts | None = None, docs_dir: Path = DOCS_DIR) -> list[StaleBlock]:
    """Every block whose text in the docs differs from what ``facts`` (default: the code) renders."""
    facts = facts or code_facts()
    stale = []
    for path in sorted(docs_dir.glob("*.md")):
        text = path.read_text()
        rendered = render_text(text, facts, doc=path.name)
        if rendered != text:
            before = dict(_bodies(text))
            stale += [StaleBlock(path.name, name) for name, body in _bodies(rendered) if before.get(name) != body]
    return stale


def _bodies(text: str) -> list[tuple[str, str]]:
    return [(m["name"], m["body"]) for m in _BLOCK.finditer(text)]


def render_docs(facts: CodeFacts | None = None, docs_dir: Path = DOCS_DIR) -> list[str]:
    """Rewrite every doc's generated blocks from the code; returns the docs that changed."""
    facts = facts or code_facts()
    changed = []
    for path in sorted(docs_dir.glob("*.md")):
        text = path.read_text()
        rendered = render_text(text, facts, doc=path.name)
        if rendered != text:
            path.write_text(rendered)
            changed.append(path.name)
    return changed


_CODE_NAME = re.compile(r"^(?P<name>[A-Za-z_]+)(?:\b|$)(?: \((?P<code>\d+)\))?")


def heading_problems(facts: CodeFacts, headings: list[tuple[str, str]]) -> list[str]:
    """What is wrong with the explanation headings: every program error, risk rule and
    quality verdict needs exactly one heading that begins with its code name (errors as
    ``Name (code)`` with the code the program uses). ``headings`` are (doc id, text) pairs."""
    by_name: dict[str, list[tuple[str, str | None]]] = {}
    for doc, text in headings:
        match = _CODE_NAME.match(text)
        if match:
            by_name.setdefault(match["name"], []).append((doc, match["code"]))
    problems = []
    wanted = [(e.name, str(e.code)) for e in facts.errors] + [(r, None) for r in facts.risk_rules] + [
        (q, None) for q in facts.qualities]
    for name, code in wanted:
        found = by_name.get(name, [])
        if len(found) != 1:
            problems.append(f"{name}: {len(found)} headings begin with it (need exactly one): {found}")
        elif code is not None and found[0][1] != code:
            problems.append(f"{name}: heading in {found[0][0]} gives code {found[0][1]}, the program's is {code}")
    return problems
