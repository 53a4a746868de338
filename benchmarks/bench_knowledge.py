"""Knowledge base: embedding throughput (fp32 and int8), indexing the corpus, top-5
hybrid retrieval latency with the store padded to 10,000 and 100,000 chunks, and
HNSW recall@5 against exact search at both sizes; retrieval quality (hit@5, MRR) on
the question set for both models.

Filler chunks (how they are made): each vector is a random convex mix (Dirichlet
weights) of three real chunk vectors of the corpus plus Gaussian noise (σ 0.02 per
dimension), normalised, so the filler lies in the region real questions land in
instead of scattering uniformly over the sphere (which would make HNSW's job
unrealistically easy); each text is 60-150 words drawn from the corpus's own word
frequencies, so full-text statistics look like the corpus's (if anything, more
crowded: its vocabulary is the corpus's few thousand words). Latency is the store's
hybrid query (HNSW + full text + exact list, RRF) with the question's vector
precomputed, over the question set's 94 questions twice, after one warm-up query
(which reads the lexeme statistics once); the question's embedding time is reported
on its own row. Recall compares the HNSW order with an exact scan (numpy) for the
same 94 questions.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

NAME = "knowledge"
SIZES = (10_000, 100_000)
TARGET_P95_MS = {10_000: 15.0, 100_000: 40.0}
TARGET_RECALL = 0.95


def _row(metric: str, value: float, unit: str, target: str = "", ok: bool | None = None, note: str = "") -> dict:
    return {"benchmark": NAME, "metric": metric, "value": float(value), "unit": unit, "target": target, "ok": ok,
            "note": note}


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _throughput(texts: list[str], variant: str) -> float:
    from knowledge import OnnxEmbedder

    embedder = OnnxEmbedder(variant)
    embedder.embed(texts[:8])  # load and warm up
    started = time.perf_counter()
    embedder.embed(texts)
    return len(texts) / (time.perf_counter() - started)


def _filler(conn, real: np.ndarray, words: list[str], frequencies: list[int], count: int,  # noqa: ANN001
            start: int) -> np.ndarray:
    """Insert ``count`` filler chunks (COPY) and return their vectors."""
    rng = np.random.default_rng(start)
    picks = rng.integers(0, len(real), (count, 3))
    weights = rng.dirichlet(np.ones(3), count)[:, :, None]
    mixed = (weights * real[picks]).sum(axis=1)
    vectors = mixed + rng.normal(0, 0.02, mixed.shape)
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    pick = random.Random(start)
    docs = sorted({f"filler-{(start + i) // 1000:04d}.md" for i in range(count)})
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO knowledge_docs (doc_id, path, title, topic, version, content_hash, embed_model) "
                        "VALUES (%s, %s, %s, 'glossary', '0.1', 'filler', 'all-MiniLM-L6-v2/fp32') "
                        "ON CONFLICT DO NOTHING", [(d, d, d) for d in docs])
        with cur.copy("COPY knowledge_chunks (doc_id, ord, heading_path, heading, section, topic, version, body, "
                      "content_hash, embed_model, embedding) FROM STDIN") as copy:
            for i in range(count):
                n = start + i
                body = " ".join(pick.choices(words, frequencies, k=pick.randint(60, 150)))
                heading = f"Filler {n}"
                copy.write_row((f"filler-{n // 1000:04d}.md", n, f"{{Filler,{heading}}}", heading,
                                f"Filler > {heading}", "glossary", "0.1", body, f"f{n}", "all-MiniLM-L6-v2/fp32",
                                "[" + ",".join(f"{x:.6f}" for x in vectors[i]) + "]"))
    return vectors


def _measure(quick: bool) -> list[dict]:
    from knowledge import (
        DEFAULT_CORPUS,
        KnowledgeStore,
        OnnxEmbedder,
        Retriever,
        evaluate,
        index_corpus,
        load_questions,
        plan,
    )
    from quantdesk.config import Settings
    from quantdesk.db import migrate, open_database

    rows: list[dict] = []
    questions = load_questions()
    sizes = (2_000, 5_000) if quick else SIZES
    with tempfile.TemporaryDirectory(prefix="qd-bench-kb-") as tmp:
        db = open_database(Settings(_env_file=None, data_dir=Path(tmp)))  # type: ignore[call-arg]
        try:
            migrate(db)
            store = KnowledgeStore(db.pool)
            variants = {}
            for variant in ("int8", "fp32"):  # fp32 last: it is the shipped model, the rest runs on its index
                embedder = OnnxEmbedder(variant)
                started = time.perf_counter()
                report = index_corpus(store, embedder, plan(store, DEFAULT_CORPUS, embedder.name))
                variants[variant] = (time.perf_counter() - started, report)
                retriever = Retriever(store, embedder)
                for mode in ("hybrid", "vector", "keyword"):
                    score = evaluate(retriever, questions, mode=mode)
                    rows.append(_row(f"{variant} {mode} hit@5 / MRR", score.hit_at_k, "",
                                     "hybrid ≥ 0.9" if mode == "hybrid" else "",
                                     score.hit_at_k >= 0.9 if mode == "hybrid" else None,
                                     f"MRR {score.mrr:.3f}; {len(questions)} questions"))
            with db.pool.connection() as conn:
                texts = [r[0] for r in conn.execute("SELECT section || E'\\n' || body FROM knowledge_chunks")]
            chunks = len(texts)
            for variant in ("fp32", "int8"):
                rows.append(_row(f"embedding throughput, {variant}", _throughput(texts, variant), "texts/s",
                                 note=f"the corpus's {chunks} chunks, batches of 32 sorted by length, 2 threads"))
            for variant, (seconds, report) in variants.items():
                rows.append(_row(f"index the corpus from scratch, {variant}", seconds, "s",
                                 note=f"{len(report.added) + len(report.changed)} docs, "
                                      f"{report.chunks_embedded} chunks"))
            embedder = OnnxEmbedder("fp32")
            started = time.perf_counter()
            unchanged = index_corpus(store, embedder, plan(store, DEFAULT_CORPUS, embedder.name))
            rows.append(_row("re-index, nothing changed (hash check)", (time.perf_counter() - started) * 1000, "ms",
                             note=unchanged.describe()))
            query_vectors = embedder.embed([q.question for q in questions])
            embed_ms = []
            for q in questions[:40]:
                t0 = time.perf_counter()
                embedder.embed([q.question])
                embed_ms.append((time.perf_counter() - t0) * 1000)
            rows.append(_row("embed one question, fp32, p50", statistics.median(embed_ms), "ms",
                             note="added to retrieval latency in a real search"))
            rows.extend(_padded(db, store, embedder, query_vectors, questions, sizes))
        finally:
            db.close()
    return rows


def _padded(db, store, embedder, query_vectors, questions, sizes) -> list[dict]:  # noqa: ANN001
    from knowledge import EF_SEARCH

    rows = []
    with db.pool.connection() as conn:
        from pgvector.psycopg import register_vector

        register_vector(conn)
        real = np.array([r[0].to_numpy() for r in conn.execute("SELECT embedding FROM knowledge_chunks ORDER BY id")],
                        dtype=np.float32)
        counts = Counter(w for (body,) in conn.execute("SELECT body FROM knowledge_chunks")
                         for w in body.lower().split() if w.isalpha())
    words, weights = list(counts), list(counts.values())
    all_vectors = [real]
    have = len(real)
    index_definition = ""
    for size in sizes:
        with db.connect(autocommit=True) as conn:
            # Bulk loads go faster without the index; it is rebuilt exactly as migration 0011 defines it.
            row = conn.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'knowledge_chunks_embedding_idx'"
                               ).fetchone()
            definition = row[0] if row else index_definition
            index_definition = definition
            conn.execute("DROP INDEX IF EXISTS knowledge_chunks_embedding_idx")
            all_vectors.append(_filler(conn, real, words, weights, size - have, have))
            have = size
            conn.execute("SET maintenance_work_mem = '1GB'")
            started = time.perf_counter()
            conn.execute(definition)
            build = time.perf_counter() - started
            conn.execute("VACUUM ANALYZE knowledge_chunks")
        rows.append(_row(f"HNSW build at {size:,} chunks", build, "s", note=definition.split(" WITH ")[-1]))
        store.search(questions[0].question, query_vectors[0], embedder.name, k=5)  # warm-up: lexeme statistics
        latencies = []
        for _round in range(2):
            for q, vector in zip(questions, query_vectors, strict=True):
                t0 = time.perf_counter()
                store.search(q.question, vector, embedder.name, k=5)
                latencies.append((time.perf_counter() - t0) * 1000)
        p95 = _pct(latencies, 0.95)
        target = TARGET_P95_MS.get(size)
        rows.append(_row(f"hybrid top-5 p50 at {size:,} chunks", statistics.median(latencies), "ms",
                         note=f"{len(latencies)} queries"))
        rows.append(_row(f"hybrid top-5 p95 at {size:,} chunks", p95, "ms",
                         f"< {target:g} ms" if target else "", p95 < target if target else None,
                         f"{len(latencies)} queries"))
        stacked = np.vstack(all_vectors)
        with db.pool.connection() as conn:
            ids = [r[0] for r in conn.execute("SELECT id FROM knowledge_chunks ORDER BY doc_id LIKE 'filler-%', id")]
        # Row i of ``stacked`` is the i-th real chunk, then filler in insertion order: the same order as ``ids``.
        for ef_search in (40, EF_SEARCH):
            recalls = []
            for vector in query_vectors:
                exact = {ids[i] for i in np.argsort(-(stacked @ vector))[:5]}
                recalls.append(len(exact & _hnsw_ids(db, vector, embedder.name, ef_search)) / 5)
            recall = statistics.mean(recalls)
            shipped = ef_search == EF_SEARCH
            rows.append(_row(f"HNSW recall@5 vs exact at {size:,} chunks, ef_search {ef_search}", recall, "",
                             f"≥ {TARGET_RECALL}" if shipped else "", recall >= TARGET_RECALL if shipped else None,
                             "the store's setting" if shipped else "pgvector's default"))
    return rows


def _hnsw_ids(db, vector: np.ndarray, model: str, ef_search: int) -> set[int]:  # noqa: ANN001
    from pgvector.psycopg import register_vector

    with db.pool.connection() as conn, conn.transaction():
        register_vector(conn)
        conn.execute(f"SET LOCAL hnsw.ef_search = {int(ef_search)}")
        rows = conn.execute("SELECT id FROM knowledge_chunks WHERE embed_model = %s "
                            "ORDER BY embedding <=> %s LIMIT 5", (model, vector)).fetchall()
    return {r[0] for r in rows}


def run(quick: bool = False) -> list[dict]:
    return _measure(quick)


if __name__ == "__main__":
    for r in run(quick="--quick" in sys.argv):
        ok = "" if r["ok"] is None else ("ok" if r["ok"] else "MISSED")
        print(f"{r['metric']:45s} {r['value']:12.3f} {r['unit']:8s} {r['target']:10s} {ok:6s} {r['note']}")
