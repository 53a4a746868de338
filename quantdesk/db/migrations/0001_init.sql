-- Foundation: pgvector for knowledge embeddings, and a key/value table for
-- facts about this installation (e.g. when the database was created).
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE IF NOT EXISTS installation (
    key        text PRIMARY KEY,
    value      text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO installation (key, value) VALUES ('created_at', now()::text)
ON CONFLICT (key) DO NOTHING;
