"""The corpus: markdown files with YAML front matter, one document each.

A document's id is its file name (``liquidation.md``); its front matter names
``title``, ``topic`` (one of :data:`TOPICS`), ``version`` and optionally
``updated``. Its hash covers the file's bytes and the chunker's version, so a
change to either re-indexes it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from knowledge._errors import CorpusError
from knowledge._topics import TOPICS

__all__ = ["CHUNKER_VERSION", "DEFAULT_CORPUS", "Doc", "load_corpus", "load_doc", "scan_corpus"]

DEFAULT_CORPUS = Path(__file__).resolve().parent / "docs"
# Bump when chunking changes, so every document is chunked (and embedded) again.
CHUNKER_VERSION = "1"


@dataclass(frozen=True)
class Doc:
    doc_id: str
    path: str  # relative to the corpus folder, with forward slashes
    title: str
    topic: str
    version: str
    updated: str | None
    body: str  # the markdown after the front matter
    content_hash: str


def file_hash(data: bytes) -> str:
    return hashlib.sha256(CHUNKER_VERSION.encode() + b"\0" + data).hexdigest()


def scan_corpus(root: Path) -> dict[str, tuple[Path, str]]:
    """Every document's id -> (file, hash), reading bytes only (the cheap check at start-up)."""
    if not root.is_dir():
        raise CorpusError(f"the knowledge folder {root} does not exist (set QUANTDESK_KNOWLEDGE_DIR or unset it)")
    found: dict[str, tuple[Path, str]] = {}
    for path in sorted(root.rglob("*.md")):
        if path.name in found:
            raise CorpusError(f"two documents are named {path.name} ({found[path.name][0]} and {path}); "
                              "document ids are file names, so rename one")
        found[path.name] = (path, file_hash(path.read_bytes()))
    return found


def load_doc(path: Path, root: Path) -> Doc:
    """Parse one file; a malformed one is a :class:`CorpusError` naming it and what is wrong."""
    data = path.read_bytes()
    text = data.decode("utf-8")
    meta, body = _split_front_matter(text, path)
    missing = [key for key in ("title", "topic", "version") if not meta.get(key)]
    if missing:
        raise CorpusError(f"{path.name}: front matter lacks {', '.join(missing)}")
    topic = str(meta["topic"])
    if topic not in TOPICS:
        raise CorpusError(f"{path.name}: topic {topic!r} is not one of {', '.join(sorted(TOPICS))}")
    updated = meta.get("updated")
    return Doc(doc_id=path.name, path=path.relative_to(root).as_posix(), title=str(meta["title"]).strip(),
               topic=topic, version=str(meta["version"]).strip(),
               updated=updated.isoformat() if isinstance(updated, date) else (None if updated is None else str(updated)),
               body=body, content_hash=file_hash(data))


def load_corpus(root: Path) -> list[Doc]:
    return [load_doc(path, root) for path, _hash in scan_corpus(root).values()]


def _split_front_matter(text: str, path: Path) -> tuple[dict[str, object], str]:
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise CorpusError(f"{path.name}: no YAML front matter (the file must start with a '---' line)")
    for end in range(1, len(lines)):
        if lines[end].strip() == "---":
            break
    else:
        raise CorpusError(f"{path.name}: the front matter is not closed by a '---' line")
    try:
        meta = yaml.safe_load("".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        raise CorpusError(f"{path.name}: front matter is not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(meta, dict):
        raise CorpusError(f"{path.name}: front matter must be a mapping of keys to values")
    return meta, "".join(lines[end + 1:])
