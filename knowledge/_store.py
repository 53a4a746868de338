"""The knowledge store in PostgreSQL: documents, chunks, vectors (pgvector) and
full-text vectors, and the three searches over them.

Hybrid search is the shape of pgvector-python's ``examples/hybrid_search/rrf.py``:
the top candidates by cosine distance (HNSW) and the top candidates by full-text
rank (GIN), fused by reciprocal rank, ``1/(k + rank)`` summed over both lists
(k = 60, the constant of Cormack et al.'s RRF paper). Topic and version filter
both lists.

Full text matches any of the question's words (an OR query, ranked by
``ts_rank_cd``): a question in prose rarely has every word in one chunk, so an AND
query (``plainto_tsquery``) would find nothing for most of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import psycopg
from pgvector.psycopg.vector import register_vector_info
from psycopg.types import TypeInfo
from psycopg_pool import ConnectionPool

from knowledge._chunk import Chunk
from knowledge._corpus import Doc
from knowledge._errors import KnowledgeError

__all__ = ["DocRecord", "Hit", "KnowledgeStore", "SearchMode"]

SearchMode = Literal["hybrid", "vector", "keyword"]
RRF_K = 60
_WORD = re.compile(r"[A-Za-z0-9]+")
_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_MAX_TERMS = 32


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


_FILTERS = "(%(topic)s::text IS NULL OR topic = %(topic)s) AND (%(version)s::text IS NULL OR version = %(version)s)"
_SEMANTIC = f"""
    SELECT id, row_number() OVER (ORDER BY embedding <=> %(vector)s) AS rank, 1 - (embedding <=> %(vector)s) AS sim
    FROM knowledge_chunks WHERE embed_model = %(model)s AND {_FILTERS}
    ORDER BY embedding <=> %(vector)s LIMIT %(candidates)s"""
_KEYWORD = f"""
    SELECT id, row_number() OVER (ORDER BY ts_rank_cd(tsv, query) DESC, id) AS rank, ts_rank_cd(tsv, query) AS kw
    FROM knowledge_chunks, to_tsquery('english', %(terms)s) query
    WHERE tsv @@ query AND {_FILTERS}
    ORDER BY ts_rank_cd(tsv, query) DESC, id LIMIT %(candidates)s"""
_COLUMNS = "c.doc_id, c.heading, c.heading_path, c.body, c.topic, c.version"
_QUERIES: dict[SearchMode, str] = {
    "hybrid": f"""
        WITH semantic AS ({_SEMANTIC}), keyword AS ({_KEYWORD})
        SELECT {_COLUMNS},
               COALESCE(1.0 / (%(rrf_k)s + s.rank), 0.0) + COALESCE(1.0 / (%(rrf_k)s + kw.rank), 0.0) AS score
        FROM semantic s FULL OUTER JOIN keyword kw ON s.id = kw.id
        JOIN knowledge_chunks c ON c.id = COALESCE(s.id, kw.id)
        ORDER BY score DESC, c.id LIMIT %(k)s""",
    "vector": f"WITH semantic AS ({_SEMANTIC}) SELECT {_COLUMNS}, s.sim AS score FROM semantic s "
              "JOIN knowledge_chunks c ON c.id = s.id ORDER BY s.rank LIMIT %(k)s",
    "keyword": f"WITH keyword AS ({_KEYWORD}) SELECT {_COLUMNS}, kw.kw AS score FROM keyword kw "
               "JOIN knowledge_chunks c ON c.id = kw.id ORDER BY kw.rank LIMIT %(k)s",
}


def or_terms(query: str) -> str:
    """The question's words as a tsquery OR (only letters and digits reach to_tsquery)."""
    words = list(dict.fromkeys(w.lower() for w in _WORD.findall(query)))[:_MAX_TERMS]
    return " | ".join(words)


class KnowledgeStore:
    def __init__(self, pool: ConnectionPool, *, candidates: int = 40, ef_search: int | None = None) -> None:
        self._pool = pool
        self._candidates = candidates
        self._ef_search = ef_search
        self._vector_info: TypeInfo | None = None

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

    def replace_document(self, doc: Doc, chunks: Sequence[Chunk], vectors: np.ndarray, model: str) -> None:
        """The document's rows become exactly these chunks, in one transaction."""
        if len(chunks) != len(vectors):
            raise ValueError("one vector per chunk")
        with self._pool.connection() as conn, conn.transaction():
            self._register(conn)
            conn.execute(
                "INSERT INTO knowledge_docs (doc_id, path, title, topic, version, updated, content_hash, embed_model) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (doc_id) DO UPDATE SET path = EXCLUDED.path, "
                "title = EXCLUDED.title, topic = EXCLUDED.topic, version = EXCLUDED.version, "
                "updated = EXCLUDED.updated, content_hash = EXCLUDED.content_hash, "
                "embed_model = EXCLUDED.embed_model, indexed_at = clock_timestamp()",
                (doc.doc_id, doc.path, doc.title, doc.topic, doc.version, doc.updated, doc.content_hash, model))
            conn.execute("DELETE FROM knowledge_chunks WHERE doc_id = %s", (doc.doc_id,))
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO knowledge_chunks (doc_id, ord, heading_path, heading, topic, version, body, "
                    "content_hash, embed_model, embedding) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    [(c.doc_id, c.ord, list(c.heading_path), c.heading, c.topic, c.version, c.body, c.content_hash,
                      model, vector) for c, vector in zip(chunks, vectors, strict=True)])

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
    def search(self, query: str, vector: np.ndarray, model: str, *, k: int = 5, mode: SearchMode = "hybrid",
               topic: str | None = None, version: str | None = None) -> list[Hit]:
        """The top ``k`` chunks for ``query`` (text) and ``vector`` (its embedding by ``model``)."""
        terms = or_terms(query)
        if mode == "keyword" and not terms:
            return []
        params = {"vector": vector, "model": model, "terms": terms or "_", "topic": topic, "version": version,
                  "candidates": max(self._candidates, k), "rrf_k": RRF_K, "k": k}
        with self._pool.connection() as conn:
            self._register(conn)
            with conn.transaction():
                if self._ef_search is not None:
                    conn.execute(f"SET LOCAL hnsw.ef_search = {int(self._ef_search)}")
                rows = conn.execute(_QUERIES[mode], params).fetchall()
        return [Hit(r[0], r[1], tuple(r[2]), r[3], float(r[6]), r[4], r[5]) for r in rows]

    def entry(self, code: str) -> list[Hit]:
        """The chunks of the one section whose heading begins with ``code`` (a rule, error or reason
        name such as ``max_leverage`` or ``InitialMarginViolated``), in order; [] if none."""
        if not _CODE.match(code):
            return []
        pattern = f"^`?{code}`?([^A-Za-z0-9_]|$)"
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT doc_id, heading, heading_path, body, topic, version FROM knowledge_chunks "
                "WHERE heading ~ %s ORDER BY doc_id, ord", (pattern,)).fetchall()
        if not rows:
            return []
        first = (rows[0][0], tuple(rows[0][2]))
        return [Hit(r[0], r[1], tuple(r[2]), r[3], 1.0, r[4], r[5]) for r in rows if (r[0], tuple(r[2])) == first]
