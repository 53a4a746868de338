-- Alerts a trader set through MIKEY, and the notifications they produced for the
-- trader's thread (delivered by the interfaces, marked when shown).
CREATE TABLE IF NOT EXISTS alerts (
    id            bigserial PRIMARY KEY,
    user_id       text NOT NULL,
    thread_id     text NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('price_cross', 'liquidation_distance', 'order_event')),
    market        text,
    level         numeric,
    direction     text CHECK (direction IN ('above', 'below')),
    threshold_pct numeric,
    order_id      text,
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    triggered_at  timestamptz
);
CREATE INDEX IF NOT EXISTS alerts_active_idx ON alerts (kind, market) WHERE active;

CREATE TABLE IF NOT EXISTS notifications (
    id           bigserial PRIMARY KEY,
    user_id      text NOT NULL,
    thread_id    text NOT NULL,
    alert_id     bigint REFERENCES alerts (id),
    text         text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    delivered_at timestamptz
);
CREATE INDEX IF NOT EXISTS notifications_pending_idx ON notifications (thread_id) WHERE delivered_at IS NULL;
