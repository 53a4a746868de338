"""Reading the trader docs: front matter and the heading tree of one markdown file.

The conventions (see knowledge/README.md): YAML front matter between ``---`` lines
with exactly ``title``, ``topic``, ``version`` and ``updated``; one ``#`` title, then
``##`` sections and ``###`` subsections. A citation names the file and a heading's
text: ``[liquidation.md § Formula]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from quantdesk.errors import QuantDeskError

__all__ = ["TOPICS", "Doc", "DocFormatError", "Section", "parse_doc", "load_docs"]

TOPICS = frozenset({"markets", "orders", "margin", "liquidation", "funding", "fees", "oracle", "risk", "errors",
                    "approvals", "venues", "alerts", "account", "glossary"})
FRONT_MATTER_KEYS = ("title", "topic", "version", "updated")
_HEADING = re.compile(r"^(#{1,6}) +(.+?) *$")
_FENCE = re.compile(r"^(```|~~~)")


class DocFormatError(QuantDeskError):
    """A doc does not follow the corpus conventions (the message names the file and what is wrong)."""


@dataclass(frozen=True)
class Section:
    level: int  # 1 = the title, 2 = a section, 3 = a subsection
    heading: str
    body: str  # the text under the heading, up to the next heading of any level


@dataclass(frozen=True)
class Doc:
    doc_id: str  # the file name, e.g. liquidation.md
    title: str
    topic: str
    version: str
    updated: date
    sections: tuple[Section, ...]


def parse_doc(doc_id: str, text: str) -> Doc:
    """One doc, strictly: complete front matter, a topic from :data:`TOPICS`, one ``#`` title
    equal to the front matter's title."""
    match = re.match(r"---\n(.*?)\n---\n", text, re.DOTALL)
    if match is None:
        raise DocFormatError(f"{doc_id}: no front matter between --- lines at the top")
    meta = yaml.safe_load(match[1])
    if not isinstance(meta, dict) or tuple(sorted(meta)) != tuple(sorted(FRONT_MATTER_KEYS)):
        raise DocFormatError(f"{doc_id}: front matter must have exactly {', '.join(FRONT_MATTER_KEYS)}")
    if meta["topic"] not in TOPICS:
        raise DocFormatError(f"{doc_id}: topic {meta['topic']!r} is not one of {sorted(TOPICS)}")
    if not isinstance(meta["version"], str) or not re.fullmatch(r"\d+\.\d+", meta["version"]):
        raise DocFormatError(f"{doc_id}: version must be a quoted string such as \"0.1\"")
    updated = meta["updated"]
    if not isinstance(updated, date):
        try:
            updated = date.fromisoformat(str(updated))
        except ValueError:
            raise DocFormatError(f"{doc_id}: updated must be an ISO date (got {updated!r})") from None
    sections = _sections(text[match.end():])
    titles = [s for s in sections if s.level == 1]
    if len(titles) != 1 or titles[0].heading != meta["title"] or sections[0].level != 1:
        raise DocFormatError(f"{doc_id}: the doc must start with one '# {meta['title']}' title")
    return Doc(doc_id, str(meta["title"]), str(meta["topic"]), meta["version"], updated, tuple(sections))


def _sections(body: str) -> list[Section]:
    sections: list[Section] = []
    heading: tuple[int, str] | None = None
    lines: list[str] = []
    fenced = False
    for line in body.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        found = None if fenced else _HEADING.match(line)
        if found:
            if heading is not None:
                sections.append(Section(heading[0], heading[1], "\n".join(lines).strip()))
            heading, lines = (len(found[1]), found[2]), []
        elif heading is not None:
            lines.append(line)
        elif line.strip():
            raise DocFormatError(f"text before the first heading: {line[:60]!r}")
    if heading is not None:
        sections.append(Section(heading[0], heading[1], "\n".join(lines).strip()))
    return sections


def load_docs(docs_dir: Path) -> list[Doc]:
    """Every ``*.md`` in ``docs_dir``, sorted by file name."""
    return [parse_doc(p.name, p.read_text()) for p in sorted(docs_dir.glob("*.md"))]
