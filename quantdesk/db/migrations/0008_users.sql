-- QuantDesk users: one row per trader. user_id is the name every surface maps its
-- identity to, and what wallets, threads, tickets and risk limits are keyed by
-- (checked by quantdesk.users.validate_user_name before it gets here).
-- Web sign-in today: a password (argon2id PHC string), or an auth proxy's header
-- naming a user listed here. API keys and platform links (Slack, Discord) come in
-- later migrations as their own tables, each row referencing users (user_id)
-- ON DELETE CASCADE, so a user can hold several of each and removing the user
-- revokes them all.
CREATE TABLE IF NOT EXISTS users (
    user_id       text PRIMARY KEY,
    -- NULL: this user cannot sign in with a password (header sign-in, later API keys only).
    password_hash text,
    -- Raised when the password changes: web sessions signed in under an older epoch end.
    session_epoch integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    text NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
