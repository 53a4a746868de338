-- The web page's conversations, as Chainlit 2.12's data layer stores them
-- (interfaces/_web_data.py): each thread belongs to one QuantDesk user, its steps
-- are the messages and tool steps the page showed, its elements the cards, tables
-- and charts attached to them. The chat itself (LangGraph checkpoints) and the
-- tickets are stored elsewhere; a ticket card is always rebuilt from `tickets`.
-- No foreign key to users: removing a user keeps their history, like their wallet.
CREATE TABLE IF NOT EXISTS web_threads (
    thread_id  text PRIMARY KEY CHECK (thread_id ~ '^[A-Za-z0-9-]{1,64}$'),
    user_id    text NOT NULL,
    name       text,
    metadata   jsonb NOT NULL DEFAULT '{}'::jsonb,
    tags       text[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS web_threads_user_idx ON web_threads (user_id, updated_at DESC);

CREATE TABLE IF NOT EXISTS web_steps (
    step_id      text PRIMARY KEY,
    seq          bigserial,  -- the order steps were first written in (several can share a millisecond)
    thread_id    text NOT NULL REFERENCES web_threads (thread_id) ON DELETE CASCADE,
    parent_id    text,
    name         text NOT NULL DEFAULT '',
    type         text NOT NULL,
    input        text NOT NULL DEFAULT '',
    output       text NOT NULL DEFAULT '',
    metadata     jsonb NOT NULL DEFAULT '{}'::jsonb,
    is_error     boolean NOT NULL DEFAULT false,
    show_input   text,
    language     text,
    default_open boolean NOT NULL DEFAULT false,
    created_at   timestamptz,
    start_at     timestamptz,
    end_at       timestamptz
);
CREATE INDEX IF NOT EXISTS web_steps_thread_idx ON web_steps (thread_id, seq);

CREATE TABLE IF NOT EXISTS web_elements (
    element_id text PRIMARY KEY,
    seq        bigserial,
    thread_id  text NOT NULL REFERENCES web_threads (thread_id) ON DELETE CASCADE,
    step_id    text,
    type       text NOT NULL,
    name       text NOT NULL DEFAULT '',
    mime       text,
    display    text NOT NULL DEFAULT 'inline',
    size       text,
    language   text,
    props      jsonb NOT NULL DEFAULT '{}'::jsonb,
    content    bytea  -- what the page fetches for it (a chart's figure JSON); NULL when props say it all
);
CREATE INDEX IF NOT EXISTS web_elements_thread_idx ON web_elements (thread_id, seq);

CREATE TABLE IF NOT EXISTS web_feedback (
    feedback_id text PRIMARY KEY,
    step_id     text NOT NULL,
    thread_id   text REFERENCES web_threads (thread_id) ON DELETE CASCADE,
    value       smallint NOT NULL CHECK (value IN (0, 1)),
    comment     text
);
