-- The transcript: every message of every MIKEY thread, written once, in order
-- (agent/_transcript.py). History is read from here, not from LangGraph's
-- checkpoints, which keep only a thread's recent turns (its window) and what a
-- paused thread needs to resume. `message` is LangChain's message dict.
-- Threads older than this table have their messages copied in from their
-- checkpoint the first time they are used (agent/session.py), so they keep
-- working and keep their whole history.
CREATE TABLE IF NOT EXISTS chat_messages (
    seq        bigserial PRIMARY KEY,  -- the order messages were written in
    thread_id  text NOT NULL,
    message_id text NOT NULL,
    message    jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (thread_id, message_id)  -- a message copied in twice is kept once
);
CREATE INDEX IF NOT EXISTS chat_messages_thread_idx ON chat_messages (thread_id, seq);
