-- The paper venue's ledger. The whole engine state (exchange, markets, users with
-- positions, resting orders) is one JSON document in the engine's own codec
-- format, updated under a row lock by each transaction: every transaction is
-- applied serially, so no two can spend the same collateral. Token accounts
-- (paper USDC) and the events each transaction emitted sit beside it.

CREATE TABLE IF NOT EXISTS paper_state (
    id         integer PRIMARY KEY CHECK (id = 1),
    version    bigint NOT NULL,
    doc        jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS paper_token_accounts (
    address   text PRIMARY KEY,
    authority text NOT NULL,
    mint      text NOT NULL,
    amount    numeric(20, 0) NOT NULL CHECK (amount >= 0)
);

CREATE TABLE IF NOT EXISTS paper_events (
    signature    text NOT NULL,
    idx          integer NOT NULL,
    name         text NOT NULL,
    owner        text,
    market_index integer,
    data         jsonb NOT NULL,
    at           timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (signature, idx)
);
CREATE INDEX IF NOT EXISTS paper_events_owner_idx ON paper_events (owner, at DESC);
