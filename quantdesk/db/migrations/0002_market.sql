-- Market data: Pyth price ticks, candles built from them, the feed list, and
-- the ingest service's published status. Prices are Pyth integers with an
-- exponent (value = price * 10^expo); times are Unix seconds as Pyth gives them.

CREATE TABLE IF NOT EXISTS price_feeds (
    feed_id     text PRIMARY KEY CHECK (feed_id ~ '^[0-9a-f]{64}$'),
    symbol      text NOT NULL UNIQUE,
    pyth_symbol text NOT NULL,
    expo        integer NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Raw ticks. The primary key makes writes idempotent: a tick delivered twice
-- (at-least-once after a crash) is stored once. No foreign key to price_feeds:
-- it would cost a lookup per row on the hot COPY path, and the writer only
-- accepts registry feeds anyway.
CREATE TABLE IF NOT EXISTS price_ticks (
    feed_id      text    NOT NULL,
    publish_time bigint  NOT NULL,
    price        bigint  NOT NULL,
    conf         bigint  NOT NULL,
    expo         integer NOT NULL,
    ema_price    bigint,
    ema_conf     bigint,
    source       text    NOT NULL,
    PRIMARY KEY (feed_id, publish_time)
);

-- OHLC candles per feed and interval, in the feed's registry exponent. Kept
-- when raw ticks are trimmed by retention. open_time/close_time are the publish
-- times of the first and last tick in the bucket, so late or replayed batches
-- merge correctly.
CREATE TABLE IF NOT EXISTS price_candles (
    feed_id      text    NOT NULL,
    interval     text    NOT NULL CHECK (interval IN ('1m', '5m', '1h')),
    bucket_start bigint  NOT NULL,
    expo         integer NOT NULL,
    open         bigint  NOT NULL,
    high         bigint  NOT NULL,
    low          bigint  NOT NULL,
    close        bigint  NOT NULL,
    open_time    bigint  NOT NULL,
    close_time   bigint  NOT NULL,
    ticks        integer NOT NULL,
    PRIMARY KEY (feed_id, interval, bucket_start)
);

-- One row per ingest instance, refreshed about once a second; the freshest
-- leader row is what `quantdesk ingest status` and the agent read.
CREATE TABLE IF NOT EXISTS ingest_status (
    instance   text PRIMARY KEY,
    role       text NOT NULL,
    status     jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
