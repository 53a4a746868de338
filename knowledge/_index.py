"""Incremental indexing by content hash.

:func:`plan` compares the corpus folder with the store by file hash and model
name only (no parsing, no model): what is new, changed, removed, unchanged.
:func:`index_corpus` applies a plan: a new or changed document is chunked, and
only its chunks whose text hash has no stored vector are embedded (a document
edited in one section re-embeds that section); a removed file's chunks go.
Running it twice changes nothing the second time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from knowledge._chunk import chunk_doc
from knowledge._embed import Embedder
from knowledge._files import load_source, scan_corpus
from knowledge._store import KnowledgeStore

__all__ = ["IndexPlan", "IndexReport", "index_corpus", "plan"]

Progress = Callable[[int, int], None]  # (chunks embedded so far, chunks to embed)


@dataclass(frozen=True)
class IndexPlan:
    root: Path
    model: str
    added: dict[str, Path]
    changed: dict[str, Path]
    removed: list[str]
    unchanged: list[str]

    @property
    def up_to_date(self) -> bool:
        return not (self.added or self.changed or self.removed)


@dataclass
class IndexReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    chunks_embedded: int = 0
    chunks_reused: int = 0
    seconds: float = 0.0

    def describe(self) -> str:
        if not (self.added or self.changed or self.removed):
            return f"knowledge base up to date ({self.unchanged} documents)"
        return (f"knowledge base indexed: {len(self.added)} added, {len(self.changed)} changed, "
                f"{len(self.removed)} removed, {self.unchanged} unchanged; {self.chunks_embedded} chunks embedded, "
                f"{self.chunks_reused} reused, in {self.seconds:.1f}s")


def plan(store: KnowledgeStore, root: Path, model: str) -> IndexPlan:
    stored = store.documents()
    files = scan_corpus(root)
    added = {d: p for d, (p, _h) in files.items() if d not in stored}
    changed = {d: p for d, (p, h) in files.items()
               if d in stored and (stored[d].content_hash != h or stored[d].embed_model != model)}
    removed = sorted(set(stored) - set(files))
    unchanged = sorted(set(files) - set(added) - set(changed))
    return IndexPlan(root, model, added, changed, removed, unchanged)


def index_corpus(store: KnowledgeStore, embedder: Embedder, the_plan: IndexPlan,
                 progress: Progress | None = None) -> IndexReport:
    started = time.perf_counter()
    report = IndexReport(added=sorted(the_plan.added), changed=sorted(the_plan.changed),
                         removed=the_plan.removed, unchanged=len(the_plan.unchanged))
    # Parse everything first, so a malformed file stops the run before anything is written.
    docs = [load_source(path, the_plan.root) for path in (*the_plan.added.values(), *the_plan.changed.values())]
    work = []
    for doc in docs:
        chunks = chunk_doc(doc)
        known = store.vectors_by_hash(doc.doc_id, embedder.name) if doc.doc_id in the_plan.changed else {}
        work.append((doc, chunks, known, [c for c in chunks if c.content_hash not in known]))
    total = sum(len(todo) for *_rest, todo in work)
    done = 0
    if progress is not None:
        progress(0, total)
    for doc, chunks, known, todo in work:
        fresh = dict(zip((c.content_hash for c in todo), embedder.embed([c.embed_text for c in todo]), strict=True))
        vectors = np.array([fresh.get(c.content_hash, known.get(c.content_hash)) for c in chunks], dtype=np.float32)
        store.replace_document(doc, chunks, vectors.reshape(len(chunks), embedder.dim), embedder.name)
        done += len(todo)
        report.chunks_embedded += len(todo)
        report.chunks_reused += len(chunks) - len(todo)
        if progress is not None:
            progress(done, total)
    store.remove_documents(the_plan.removed)
    report.seconds = time.perf_counter() - started
    return report
