-- Tickets awaiting approval, and the append-only audit trail that links
-- message -> ticket -> approval -> signature -> result.

CREATE TABLE IF NOT EXISTS tickets (
    ticket_hash  text PRIMARY KEY CHECK (ticket_hash ~ '^[0-9a-f]{64}$'),
    user_id      text NOT NULL,
    thread_id    text NOT NULL,
    status       text NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'executing', 'executed', 'failed', 'rejected', 'expired', 'cancelled')),
    ticket       jsonb NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    decided_at   timestamptz,
    reason       text,
    signature    text,
    result       jsonb
);
CREATE INDEX IF NOT EXISTS tickets_thread_idx ON tickets (thread_id, created_at DESC);
CREATE INDEX IF NOT EXISTS tickets_user_idx ON tickets (user_id, created_at DESC);

CREATE TABLE IF NOT EXISTS audit_log (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    event       text NOT NULL CHECK (event IN
                ('message', 'ticket', 'approval', 'rejection', 'expiry', 'signature', 'result', 'error')),
    user_id     text NOT NULL,
    thread_id   text NOT NULL,
    ticket_hash text,
    detail      jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX IF NOT EXISTS audit_ticket_idx ON audit_log (ticket_hash, id);

-- Append-only: the database itself refuses to change or remove history.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP;
END;
$$;

DROP TRIGGER IF EXISTS audit_log_no_update ON audit_log;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log;
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
