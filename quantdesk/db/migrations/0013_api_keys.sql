-- The chat API (interfaces/api): who a request is, how fast it may come, and the
-- runs a dropped stream resumes from.

-- API keys: several per user, each shown once at creation. Only the SHA-256 of the
-- whole key is kept (keys are 256-bit random tokens: a fast hash is safe, see
-- quantdesk/users/_api_keys.py); ``prefix`` is its first, non-secret part, for
-- lookup and for people to tell keys apart. Removing the user removes their keys.
CREATE TABLE IF NOT EXISTS api_keys (
    key_id        bigserial PRIMARY KEY,
    prefix        text NOT NULL UNIQUE,
    key_hash      bytea NOT NULL,
    user_id       text NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    name          text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz,
    revoked_at    timestamptz,
    -- The key's token bucket (requests per second with a burst), shared by every
    -- API process on this database so N workers do not allow N times the rate.
    bucket_tokens double precision,
    bucket_at     timestamptz
);
CREATE INDEX IF NOT EXISTS api_keys_user ON api_keys (user_id);

-- Voice approval (a spoken read-back of a ticket's 4-character code) is off until
-- the trader turns it on (`quantdesk user voice-approval on`).
ALTER TABLE users ADD COLUMN IF NOT EXISTS voice_approval boolean NOT NULL DEFAULT false;

-- A run is one turn streamed to an API client; its events are kept (a day) so a
-- client whose stream dropped resumes after the last event id it saw, from any
-- API process, without the turn being run again.
CREATE TABLE IF NOT EXISTS api_runs (
    run_id      text PRIMARY KEY,
    user_id     text NOT NULL,
    thread_id   text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
CREATE INDEX IF NOT EXISTS api_runs_created ON api_runs (created_at);

CREATE TABLE IF NOT EXISTS api_run_events (
    run_id text NOT NULL REFERENCES api_runs (run_id) ON DELETE CASCADE,
    seq    integer NOT NULL,
    event  jsonb NOT NULL,
    PRIMARY KEY (run_id, seq)
);
