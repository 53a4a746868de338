"""The knowledge store in PostgreSQL: documents, chunks, vectors (pgvector) and
full-text vectors; the searches over them (how they rank: :mod:`knowledge._query`)
and the lookup of an entry by its code name.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import psycopg
from pgvector.psycopg.vector import register_vector_info
from psycopg.types import TypeInfo
from psycopg_pool import ConnectionPool

from knowledge._chunk import Chunk
from knowledge._errors import KnowledgeError
from knowledge._files import SourceDoc
from knowledge._query import QUERIES, RRF_K, SearchMode, codes, match_terms, words

__all__ = ["DocRecord", "Hit", "KnowledgeStore", "SearchMode"]

_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
# HNSW search breadth: pgvector's default 40 found about 0.8 of the exact top 5 at 100,000 chunks in
# the benchmark; 200 found 0.943-0.970 depending on the build, 300 found 0.977 on a build where 40
# found only 0.813, at a p95 of 32 ms for the whole hybrid query (README "Knowledge", "Performance").
EF_SEARCH = 300
# One round trip before the search: this transaction's HNSW breadth, the newest chunk id (has the
# corpus changed since the lexeme statistics were read?) and the question's lexemes.
_PREPARE = ("SELECT (SELECT max(id) FROM knowledge_chunks), "
            "array(SELECT unnest(tsvector_to_array(to_tsvector('english', %s)))) "
            "FROM set_config('hnsw.ef_search', %s, true)")


@dataclass(frozen=True)
class Hit:
    doc_id: str
    heading: str
    heading_path: tuple[str, ...]
    text: str
    score: float
    topic: str
    version: str

    @property
    def citation(self) -> str:
        return f"[{self.doc_id} § {self.heading}]"


@dataclass(frozen=True)
class DocRecord:
    doc_id: str
    content_hash: str
    embed_model: str


class KnowledgeStore:
    def __init__(self, pool: ConnectionPool, *, candidates: int = 40, ef_search: int = EF_SEARCH) -> None:
        self._pool = pool
        self._candidates = candidates
        self._ef_search = ef_search
        self._vector_info: TypeInfo | None = None
        # lexeme -> chunks containing it, for choosing a question's rarest words; refreshed when chunks change.
        self._lexemes: tuple[int | None, dict[str, int]] = (None, {})
        self._lexemes_lock = threading.Lock()

    def _register(self, conn: psycopg.Connection[Any]) -> None:
        # One catalogue lookup per store, not per checkout: search latency is measured in ms.
        if self._vector_info is None:
            self._vector_info = TypeInfo.fetch(conn, "vector")
            if self._vector_info is None:
                raise KnowledgeError("the database has no pgvector extension; run `quantdesk db migrate`")
        register_vector_info(conn, self._vector_info)

    # --- indexing -------------------------------------------------------------
    def documents(self) -> dict[str, DocRecord]:
        with self._pool.connection() as conn:
            rows = conn.execute("SELECT doc_id, content_hash, embed_model FROM knowledge_docs").fetchall()
        return {row[0]: DocRecord(*row) for row in rows}

    def vectors_by_hash(self, doc_id: str, model: str) -> dict[str, np.ndarray]:
        """The document's stored vectors by chunk hash, for chunks that did not change."""
        with self._pool.connection() as conn:
            self._register(conn)
            rows = conn.execute("SELECT content_hash, embedding FROM knowledge_chunks WHERE doc_id = %s AND "
                                "embed_model = %s", (doc_id, model)).fetchall()
        return {h: v.to_numpy() for h, v in rows}

    def replace_document(self, source: SourceDoc, chunks: Sequence[Chunk], vectors: np.ndarray, model: str) -> None:
        """The document's rows become exactly these chunks, in one transaction."""
        if len(chunks) != len(vectors):
            raise ValueError("one vector per chunk")
        doc = source.doc
        with self._pool.connection() as conn, conn.transaction():
            self._register(conn)
            conn.execute(
                "INSERT INTO knowledge_docs (doc_id, path, title, topic, version, updated, content_hash, embed_model) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (doc_id) DO UPDATE SET path = EXCLUDED.path, "
                "title = EXCLUDED.title, topic = EXCLUDED.topic, version = EXCLUDED.version, "
                "updated = EXCLUDED.updated, content_hash = EXCLUDED.content_hash, "
                "embed_model = EXCLUDED.embed_model, indexed_at = clock_timestamp()",
                (doc.doc_id, source.path, doc.title, doc.topic, doc.version, doc.updated.isoformat(),
                 source.content_hash, model))
            conn.execute("DELETE FROM knowledge_chunks WHERE doc_id = %s", (doc.doc_id,))
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO knowledge_chunks (doc_id, ord, heading_path, heading, section, topic, version, body, "
                    "content_hash, embed_model, embedding) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    [(c.doc_id, c.ord, list(c.heading_path), c.heading, c.section, c.topic, c.version, c.body,
                      c.content_hash, model, vector) for c, vector in zip(chunks, vectors, strict=True)])

    def remove_documents(self, doc_ids: Iterable[str]) -> int:
        ids = list(doc_ids)
        if not ids:
            return 0
        with self._pool.connection() as conn:
            return conn.execute("DELETE FROM knowledge_docs WHERE doc_id = ANY(%s)", (ids,)).rowcount

    def count_chunks(self) -> int:
        with self._pool.connection() as conn:
            row = conn.execute("SELECT count(*) FROM knowledge_chunks").fetchone()
        return int(row[0]) if row else 0

    # --- search ---------------------------------------------------------------
    def _chunks_with(self, conn: psycopg.Connection[Any], newest: int | None) -> dict[str, int]:
        with self._lexemes_lock:
            if self._lexemes[0] != newest:
                stats = conn.execute("SELECT word, ndoc FROM ts_stat('SELECT tsv FROM knowledge_chunks')").fetchall()
                self._lexemes = (newest, dict(stats))
            return self._lexemes[1]

    def search(self, query: str, vector: np.ndarray | None, model: str, *, k: int = 5, mode: SearchMode = "hybrid",
               topic: str | None = None, version: str | None = None) -> list[Hit]:
        """The top ``k`` chunks for ``query`` (text) and ``vector`` (its embedding by ``model``)."""
        names, numbers = codes(query)
        with self._pool.connection() as conn, conn.transaction():
            self._register(conn)
            row = conn.execute(_PREPARE, (words(query), str(self._ef_search))).fetchone()
            newest, lexemes = (row[0], row[1]) if row else (None, [])
            match, rank = match_terms(lexemes, self._chunks_with(conn, newest))
            params = {"vector": vector, "model": model, "match": match, "rank": rank, "codes": names,
                      "numbers": numbers, "topic": topic, "version": version,
                      "candidates": max(self._candidates, k), "rrf_k": RRF_K, "k": k}
            rows = conn.execute(QUERIES[mode], params).fetchall()
        return [Hit(r[0], r[1], tuple(r[2]), r[3], float(r[6]), r[4], r[5]) for r in rows]

    def entry(self, code: str) -> list[Hit]:
        """The chunks of the one section whose heading begins with ``code`` (a rule, error or reason
        name such as ``max_leverage`` or ``InitialMarginViolated``), in order; [] if none."""
        if not _CODE.match(code):
            return []
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT doc_id, heading, heading_path, body, topic, version FROM knowledge_chunks "
                "WHERE code = %s ORDER BY doc_id, ord", (code,)).fetchall()
        if not rows:
            return []
        first = (rows[0][0], tuple(rows[0][2]))
        return [Hit(r[0], r[1], tuple(r[2]), r[3], 1.0, r[4], r[5]) for r in rows if (r[0], tuple(r[2])) == first]
