-- The paper venue's cluster-like bookkeeping: blockhashes it has issued (a
-- transaction must carry a recent one), and every transaction it has seen, by
-- signature (so a replayed transaction is refused as AlreadyProcessed).

CREATE TABLE IF NOT EXISTS paper_blockhashes (
    blockhash  text PRIMARY KEY,
    slot       bigint NOT NULL UNIQUE,
    issued_at  timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS paper_transactions (
    signature   text PRIMARY KEY,
    slot        bigint NOT NULL,
    fee_payer   text NOT NULL,
    ok          boolean NOT NULL,
    error       text,
    logs        jsonb NOT NULL DEFAULT '[]'::jsonb,
    raw         bytea NOT NULL,
    received_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS paper_transactions_payer_idx ON paper_transactions (fee_payer, received_at DESC);
