"""The retriever: a question in, cited chunks out (the embedder plus the store)."""

from __future__ import annotations

from knowledge._embed import Embedder
from knowledge._query import SearchMode
from knowledge._store import Hit, KnowledgeStore

__all__ = ["Retriever"]


class Retriever:
    def __init__(self, store: KnowledgeStore, embedder: Embedder) -> None:
        self._store = store
        self._embedder = embedder

    @property
    def model(self) -> str:
        return self._embedder.name

    def search(self, query: str, *, k: int = 4, mode: SearchMode = "hybrid", topic: str | None = None,
               version: str | None = None) -> list[Hit]:
        vector = self._embedder.embed([query])[0] if mode != "keyword" else None
        return self._store.search(query, vector, self._embedder.name, k=k, mode=mode, topic=topic,
                                  version=version)

    def entry(self, code: str) -> list[Hit]:
        """The knowledge entry (its chunks) whose heading begins with a rule, error or reason name."""
        return self._store.entry(code)

    def is_empty(self) -> bool:
        return self._store.count_chunks() == 0
