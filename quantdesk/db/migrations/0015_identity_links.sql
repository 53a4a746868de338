-- Platform identities linked to QuantDesk users (quantdesk/users/_links.py): a Slack
-- team + user ("T123:U456") or a Discord user id is linked to exactly one user (the
-- primary key), a user may hold several. Removing the user removes their links.
CREATE TABLE IF NOT EXISTS identity_links (
    platform    text NOT NULL CHECK (platform IN ('slack', 'discord')),
    external_id text NOT NULL,
    user_id     text NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    linked_at   timestamptz NOT NULL DEFAULT now(),
    -- Who made the link: 'cli' (an operator's `quantdesk link`) or 'code' (the trader's
    -- one-time link code, sent to the bot in a direct message).
    linked_by   text NOT NULL,
    PRIMARY KEY (platform, external_id)
);
CREATE INDEX IF NOT EXISTS identity_links_user ON identity_links (user_id);

-- One-time link codes: made for a user (web page, chat API, CLI), sent by the trader
-- to a bot in a direct message, usable once, before expires_at. Only the SHA-256 of
-- the code is kept (a 60-bit random code living minutes: a fast hash is safe).
CREATE TABLE IF NOT EXISTS link_codes (
    code_hash  bytea PRIMARY KEY,
    user_id    text NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    -- The identity that used it ("slack:T123:U456"), or 'void' when it was shown where others could read it.
    used_by    text
);
CREATE INDEX IF NOT EXISTS link_codes_user ON link_codes (user_id);
