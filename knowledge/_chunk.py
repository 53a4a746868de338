"""Chunking a document by its headings, with overlap inside long sections.

Each heading opens a section (:class:`knowledge._corpus.Section`); a chunk never spans two sections,
so every chunk has one heading path (``Liquidation > Formula``) to cite. A
section longer than :data:`MAX_WORDS` is cut between sentences (list items and
table rows count as sentences), and each further chunk repeats the last
sentences of the one before, up to :data:`OVERLAP_WORDS`, so a sentence that
needs its predecessor still finds it.

The sizes keep a chunk (with its heading line) under the embedding model's 256
tokens: about 1.3 tokens per English word here.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from knowledge._corpus import Section
from knowledge._files import SourceDoc

__all__ = ["MAX_WORDS", "OVERLAP_WORDS", "Chunk", "chunk_doc"]

MAX_WORDS = 150
OVERLAP_WORDS = 35

_FENCE = re.compile(r"^\s*(```|~~~)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9`\[(\"'*])")
_LINE_UNIT = re.compile(r"^\s*([-*+]|\d+[.)]|\|)\s")  # list items and table rows stand alone


@dataclass(frozen=True)
class Chunk:
    doc_id: str
    ord: int
    heading_path: tuple[str, ...]
    body: str
    title: str
    topic: str
    version: str

    @property
    def heading(self) -> str:
        return self.heading_path[-1] if self.heading_path else self.title

    @property
    def section(self) -> str:
        """Where the chunk sits: the document's title and every heading above it."""
        path = list(self.heading_path)
        if not path or path[0] != self.title:
            path.insert(0, self.title)
        return " > ".join(path)

    @property
    def embed_text(self) -> str:
        """What is embedded: where the chunk sits, then its text."""
        return self.section + "\n" + self.body

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.embed_text.encode()).hexdigest()


def chunk_doc(source: SourceDoc) -> list[Chunk]:
    doc = source.doc
    chunks: list[Chunk] = []
    for path, units in _sections(doc.sections):
        for body in _pack(units):
            chunks.append(Chunk(doc.doc_id, len(chunks), path, body, doc.title, doc.topic, doc.version))
    return chunks


def _sections(sections: tuple[Section, ...]) -> list[tuple[tuple[str, ...], list[str]]]:
    """(heading path, sentence-like units) of each section with text of its own."""
    out: list[tuple[tuple[str, ...], list[str]]] = []
    stack: list[tuple[int, str]] = []
    for section in sections:
        while stack and stack[-1][0] >= section.level:
            stack.pop()
        stack.append((section.level, section.heading))
        units = _units(section.body.splitlines())
        if units:
            out.append((tuple(h for _, h in stack), units))
    return out


def _units(lines: list[str]) -> list[str]:
    """Sentences of prose paragraphs; list items, table rows and code blocks as they are.
    A unit that opens a paragraph starts with a blank line, a list item or row with a line
    break, so packed chunks keep the layout."""
    units: list[str] = []
    paragraph: list[str] = []
    fence: list[str] | None = None

    def end_paragraph() -> None:
        if paragraph:
            sentences = _SENTENCE_END.split(" ".join(p.strip() for p in paragraph))
            units.extend(("\n\n" if i == 0 else "") + s for i, s in enumerate(sentences))
            paragraph.clear()

    for line in lines:
        if fence is not None:
            fence.append(line)
            if _FENCE.match(line):
                units.append("\n\n" + "\n".join(fence))
                fence = None
        elif _FENCE.match(line):
            end_paragraph()
            fence = [line]
        elif not line.strip():
            end_paragraph()
        elif _LINE_UNIT.match(line):
            end_paragraph()
            units.append("\n" + line.rstrip())
        else:
            paragraph.append(line)
    end_paragraph()
    if fence is not None:  # an unclosed fence is kept as text rather than dropped
        units.append("\n\n" + "\n".join(fence))
    return [u for u in units if u.strip()]


def _words(text: str) -> int:
    return len(text.split())


def _pack(units: list[str]) -> list[str]:
    """Greedy packing up to MAX_WORDS, each chunk after the first opening with the overlap."""
    pieces = [piece for unit in units for piece in _split_long(unit)]
    chunks: list[list[str]] = []
    current: list[str] = []
    fresh = 0  # units in ``current`` that are not overlap
    for piece in pieces:
        if current and fresh and _words(" ".join(current)) + _words(piece) > MAX_WORDS:
            chunks.append(current)
            current = _overlap(current)
            fresh = 0
        current.append(piece)
        fresh += 1
    if fresh:
        chunks.append(current)
    return [_join(c) for c in chunks]


def _overlap(units: list[str]) -> list[str]:
    kept: list[str] = []
    for unit in reversed(units):
        if _words(" ".join([unit, *kept])) > OVERLAP_WORDS:
            break
        kept.insert(0, unit)
    return kept


def _split_long(unit: str) -> list[str]:
    """A unit longer than a chunk (a run-on sentence, a big code block) is cut by words."""
    words = unit.split(" ")
    if len(unit.split()) <= MAX_WORDS - OVERLAP_WORDS:
        return [unit]
    step = MAX_WORDS - OVERLAP_WORDS
    return [" ".join(words[i:i + step]) for i in range(0, len(words), step)]


def _join(units: list[str]) -> str:
    # Units carry their own break: "\n\n" opens a paragraph, "\n" a list item or row, none a sentence.
    return "".join(unit if unit.startswith("\n") else " " + unit for unit in units).strip()
