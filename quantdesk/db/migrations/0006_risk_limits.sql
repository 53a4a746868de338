-- Per-user pre-trade risk limits (the RiskLimits model as JSON); users without a
-- row get the defaults. Changes are audited by updated_at/updated_by.
CREATE TABLE IF NOT EXISTS risk_limits (
    user_id    text PRIMARY KEY,
    limits     jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text NOT NULL
);
