-- The knowledge base (knowledge/): one row per corpus document and its chunks,
-- each chunk with its embedding (pgvector, HNSW on cosine distance) and a
-- full-text vector (GIN), for hybrid search fused by reciprocal rank.
--
-- content_hash + embed_model drive incremental indexing: a document whose file
-- hash and model are unchanged is skipped; a chunk whose text hash is unchanged
-- keeps its vector. Vectors of different models are never mixed (the indexer
-- re-embeds everything when the configured model changes).

CREATE EXTENSION IF NOT EXISTS vector;  -- 0001 creates it; kept so this file stands alone

CREATE TABLE IF NOT EXISTS knowledge_docs (
    doc_id       text PRIMARY KEY,            -- the file name, e.g. liquidation.md
    path         text NOT NULL,               -- relative to the corpus folder
    title        text NOT NULL,
    topic        text NOT NULL,
    version      text NOT NULL,
    updated      text,
    content_hash text NOT NULL,
    embed_model  text NOT NULL,
    indexed_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE IF NOT EXISTS knowledge_chunks (
    id           bigserial PRIMARY KEY,
    doc_id       text NOT NULL REFERENCES knowledge_docs (doc_id) ON DELETE CASCADE,
    ord          integer NOT NULL,            -- position in the document
    heading_path text[] NOT NULL,             -- e.g. {Liquidation, Formula}
    heading      text NOT NULL,               -- the innermost heading: what a citation names
    section      text NOT NULL,               -- the title and every heading above the chunk, for full text
    topic        text NOT NULL,
    version      text NOT NULL,
    body         text NOT NULL,
    content_hash text NOT NULL,
    embed_model  text NOT NULL,
    embedding    vector(384) NOT NULL,
    -- Headings weigh more than body text: a question naming a section's subject should find it.
    tsv          tsvector GENERATED ALWAYS AS (
                     setweight(to_tsvector('english', section), 'A') || setweight(to_tsvector('english', body), 'B')
                 ) STORED,
    -- A heading's leading code (an error, rule or verdict name: "InitialMarginViolated (6023)",
    -- "max_leverage", "stale — too old") and program error number: how entries are looked up.
    code         text GENERATED ALWAYS AS (substring(heading FROM '^`?([A-Za-z][A-Za-z0-9_]*)')) STORED,
    code_number  integer GENERATED ALWAYS AS (substring(heading FROM '\((\d{4})\)')::integer) STORED,
    indexed_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (doc_id, ord)
);

-- ef_construction 200 (pgvector's default is 64): at 100,000 chunks the denser graph reaches recall@5
-- 0.96 at ef_search 200 where the default build needs more than 400 (benchmarks/bench_knowledge.py).
CREATE INDEX IF NOT EXISTS knowledge_chunks_embedding_idx ON knowledge_chunks
    USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 200);
CREATE INDEX IF NOT EXISTS knowledge_chunks_tsv_idx ON knowledge_chunks USING gin (tsv);
CREATE INDEX IF NOT EXISTS knowledge_chunks_filter_idx ON knowledge_chunks (topic, version);
CREATE INDEX IF NOT EXISTS knowledge_chunks_code_idx ON knowledge_chunks (code);
CREATE INDEX IF NOT EXISTS knowledge_chunks_code_number_idx ON knowledge_chunks (code_number);
