"""The knowledge store in PostgreSQL: documents, chunks, vectors (pgvector) and
full-text vectors, and the three searches over them.

Hybrid search is the shape of pgvector-python's ``examples/hybrid_search/rrf.py``:
ranked candidate lists fused by reciprocal rank, ``1/(k + rank)`` summed over the
lists (k = 60, the constant of Cormack et al.'s RRF paper):

* semantic: the nearest chunks by cosine distance (HNSW);
* full text: chunks matching any of the question's words (an OR query: a question
  in prose rarely has every word in one chunk, so ``plainto_tsquery``'s AND finds
  nothing for most), ranked by ``ts_rank`` (headings weigh more than body text);
  trader shorthand ("liq", "lev") also matches the docs' words (synonyms.txt);
* exact: the entry whose heading begins with an error, rule or code the question
  names (``InitialMarginViolated``, ``max_leverage``, ``6009``), which words alone
  rank poorly because every error entry shares the same vocabulary.

Measured on the question set (README "Knowledge"): ts_rank beat ts_rank_cd and
length normalisation, and the exact list is what lifts code-name questions.
``vector`` mode is the semantic list alone, ``keyword`` the full-text and exact lists.
Topic and version filter every list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import psycopg
from pgvector.psycopg.vector import register_vector_info
from psycopg.types import TypeInfo
from psycopg_pool import ConnectionPool

from knowledge._chunk import Chunk
from knowledge._files import SourceDoc
from knowledge._errors import KnowledgeError

__all__ = ["DocRecord", "Hit", "KnowledgeStore", "SearchMode"]

SearchMode = Literal["hybrid", "vector", "keyword"]
RRF_K = 60
_WORD = re.compile(r"[A-Za-z0-9]+")
_TOKEN = re.compile(r"[A-Za-z0-9_]+")
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
    SELECT id, row_number() OVER (ORDER BY embedding <=> %(vector)s) AS rank, 1 - (embedding <=> %(vector)s) AS score
    FROM knowledge_chunks WHERE embed_model = %(model)s AND {_FILTERS}
    ORDER BY embedding <=> %(vector)s LIMIT %(candidates)s"""
_KEYWORD = f"""
    SELECT id, row_number() OVER (ORDER BY ts_rank(tsv, query) DESC, id) AS rank, ts_rank(tsv, query) AS score
    FROM knowledge_chunks, to_tsquery('english', %(terms)s) query
    WHERE tsv @@ query AND {_FILTERS}
    ORDER BY ts_rank(tsv, query) DESC, id LIMIT %(candidates)s"""
_EXACT = f"""
    SELECT id, row_number() OVER (ORDER BY doc_id, ord) AS rank, 1.0 AS score
    FROM knowledge_chunks WHERE (heading ~ %(names)s OR heading ~ %(numbers)s) AND {_FILTERS}
    ORDER BY doc_id, ord LIMIT %(candidates)s"""
_LISTS: dict[SearchMode, tuple[str, ...]] = {"hybrid": ("semantic", "keyword", "exact"), "vector": ("semantic",),
                                             "keyword": ("keyword", "exact")}
_SQL = {"semantic": _SEMANTIC, "keyword": _KEYWORD, "exact": _EXACT}
_NEVER = "^$"  # no heading is empty: the pattern for a question that names no code


def _query(mode: SearchMode) -> str:
    """The mode's lists fused by RRF; the vector mode keeps its cosine similarity as the score."""
    names = _LISTS[mode]
    ctes = ", ".join(f"{n} AS ({_SQL[n]})" for n in names)
    if names == ("semantic",):
        score = "semantic.score"
    else:
        score = " + ".join(f"COALESCE(1.0 / (%(rrf_k)s + {n}.rank), 0.0)" for n in names)
    ids = " UNION ".join(f"SELECT id FROM {n}" for n in names)
    joins = " ".join(f"LEFT JOIN {n} ON {n}.id = ids.id" for n in names)
    return (f"WITH {ctes}, ids AS ({ids}) SELECT c.doc_id, c.heading, c.heading_path, c.body, c.topic, c.version, "
            f"{score} AS score FROM ids {joins} JOIN knowledge_chunks c ON c.id = ids.id "
            f"ORDER BY score DESC, c.id LIMIT %(k)s")


_QUERIES: dict[SearchMode, str] = {mode: _query(mode) for mode in _LISTS}


@cache
def _synonyms() -> dict[str, str]:
    lines = (Path(__file__).resolve().parent / "synonyms.txt").read_text(encoding="utf-8").splitlines()
    pairs = (line.split(":", 1) for line in lines if line.strip() and not line.startswith("#"))
    return {word.strip().lower(): expansion.strip().lower() for word, expansion in pairs}


def or_terms(query: str) -> str:
    """The question's words (and the docs' words for its shorthand) as a tsquery OR; only letters
    and digits reach to_tsquery."""
    words = [w.lower() for w in _WORD.findall(query)][:_MAX_TERMS]
    expanded = [*words, *(x for w in words for x in _synonyms().get(w, "").split())]
    return " | ".join(dict.fromkeys(expanded))


def _heading_pattern(names: Sequence[str]) -> str:
    """Headings that begin with one of ``names`` as a whole word (``stale — too old``, ``InitialMarginViolated (6023)``)."""
    return f"^`?({'|'.join(names)})\\M"


def code_patterns(query: str) -> tuple[str, str]:
    """Heading patterns for the codes a question names: error and rule names (CamelCase,
    snake_case), and program error numbers (6000-6099, shown as "(6023)" in headings)."""
    tokens = _TOKEN.findall(query)
    names = [t for t in tokens if "_" in t.strip("_") or re.search(r"[a-z][A-Z]", t)]
    numbers = [t for t in tokens if re.fullmatch(r"60\d\d", t)]
    return (_heading_pattern(names) if names else _NEVER,
            f"\\(({'|'.join(numbers)})\\)" if numbers else _NEVER)


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
                (doc.doc_id, source.path, doc.title, doc.topic, doc.version, doc.updated.isoformat(), source.content_hash,
                 model))
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
    def search(self, query: str, vector: np.ndarray, model: str, *, k: int = 5, mode: SearchMode = "hybrid",
               topic: str | None = None, version: str | None = None) -> list[Hit]:
        """The top ``k`` chunks for ``query`` (text) and ``vector`` (its embedding by ``model``)."""
        names, numbers = code_patterns(query)
        params = {"vector": vector, "model": model, "terms": or_terms(query) or "_", "names": names,
                  "numbers": numbers, "topic": topic, "version": version, "candidates": max(self._candidates, k),
                  "rrf_k": RRF_K, "k": k}
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
        pattern = _heading_pattern([code])
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT doc_id, heading, heading_path, body, topic, version FROM knowledge_chunks "
                "WHERE heading ~ %s ORDER BY doc_id, ord", (pattern,)).fetchall()
        if not rows:
            return []
        first = (rows[0][0], tuple(rows[0][2]))
        return [Hit(r[0], r[1], tuple(r[2]), r[3], 1.0, r[4], r[5]) for r in rows if (r[0], tuple(r[2])) == first]
