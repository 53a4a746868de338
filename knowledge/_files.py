"""The corpus folder as the indexer sees it: which files there are and their
hashes (the cheap start-up check reads bytes only), and each file parsed by the
corpus conventions (:func:`knowledge._corpus.parse_doc`).

A file's hash covers its bytes and the chunker's version, so a change to either
re-indexes it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from knowledge._corpus import Doc, parse_doc
from knowledge._errors import CorpusError

__all__ = ["CHUNKER_VERSION", "DEFAULT_CORPUS", "SourceDoc", "load_source", "scan_corpus"]

DEFAULT_CORPUS = Path(__file__).resolve().parent / "docs"
# Bump when chunking changes, so every document is chunked (and embedded) again.
CHUNKER_VERSION = "1"


@dataclass(frozen=True)
class SourceDoc:
    doc: Doc
    path: str  # relative to the corpus folder
    content_hash: str

    @property
    def doc_id(self) -> str:
        return self.doc.doc_id


def file_hash(data: bytes) -> str:
    return hashlib.sha256(CHUNKER_VERSION.encode() + b"\0" + data).hexdigest()


def scan_corpus(root: Path) -> dict[str, tuple[Path, str]]:
    """Every document's id (its file name) -> (file, hash)."""
    if not root.is_dir():
        raise CorpusError(f"the knowledge folder {root} does not exist (set QUANTDESK_KNOWLEDGE_DIR or unset it)")
    return {path.name: (path, file_hash(path.read_bytes())) for path in sorted(root.glob("*.md"))}


def load_source(path: Path, root: Path) -> SourceDoc:
    """Parse one file; a malformed one is a DocFormatError naming it and what is wrong."""
    data = path.read_bytes()
    return SourceDoc(parse_doc(path.name, data.decode("utf-8")), path.relative_to(root).as_posix(), file_hash(data))
