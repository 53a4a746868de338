-- The paper venue as an account ledger (issue #11): each program account (the
-- exchange, each market, each user account, each resting order) is its own row,
-- keyed by the address the program derives for it (its PDA), holding the engine
-- codec's JSON for that account. A transaction locks only the rows it writes
-- (SELECT ... FOR UPDATE, in address order), so transactions on disjoint accounts
-- run concurrently and the cost of an order does not grow with the number of
-- traders. ``seq`` keeps creation order (users) and placement order (orders), the
-- order the engine's whole State lists them in.
--
-- A leftover ``paper_state`` document (the previous whole-exchange JSON) cannot be
-- split by SQL (it needs the engine codec and the PDA derivation): the executor
-- converts it on first use inside one transaction and then deletes it
-- (quantdesk/exchange/paper/_upgrade.py).

CREATE SEQUENCE IF NOT EXISTS paper_accounts_seq;

CREATE TABLE IF NOT EXISTS paper_accounts (
    address    text PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('exchange', 'market', 'user', 'order')),
    seq        bigint NOT NULL DEFAULT nextval('paper_accounts_seq'),
    data       jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS paper_accounts_kind_idx ON paper_accounts (kind, seq);

-- Read models, written in the same database transaction as the accounts.

-- Open positions. ``liquidation_price`` is the engine's, computed with the funding
-- pending at ``funding_index`` (the market's cumulative funding when the row was
-- written): a long is liquidatable at or below it, a short at or above it (0: at
-- no price). Once the market's index moves on, the row is stale and the keeper
-- re-checks it exactly.
CREATE TABLE IF NOT EXISTS paper_positions (
    owner                   text NOT NULL,
    market_index            integer NOT NULL,
    base                    bigint NOT NULL,
    quote_entry             bigint NOT NULL,
    margin                  bigint NOT NULL,
    last_cumulative_funding numeric(40, 0) NOT NULL,
    liquidation_price       bigint NOT NULL,
    funding_index           numeric(40, 0) NOT NULL,
    updated_at              timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (owner, market_index)
);
CREATE INDEX IF NOT EXISTS paper_positions_long_liq_idx ON paper_positions (market_index, liquidation_price)
    WHERE base > 0;
CREATE INDEX IF NOT EXISTS paper_positions_short_liq_idx ON paper_positions (market_index, liquidation_price)
    WHERE base < 0 AND liquidation_price > 0;
CREATE INDEX IF NOT EXISTS paper_positions_funding_idx ON paper_positions (market_index, funding_index);

-- Resting orders. A keeper may trigger one once the oracle price is at or below
-- ``fires_at_or_below`` or at or above ``fires_at_or_above`` (one of them is set).
CREATE TABLE IF NOT EXISTS paper_open_orders (
    address           text PRIMARY KEY,
    owner             text NOT NULL,
    order_id          numeric(20, 0) NOT NULL,
    market_index      integer NOT NULL,
    kind              text NOT NULL,
    side              text NOT NULL,
    size              numeric(20, 0) NOT NULL,
    price             bigint NOT NULL,
    trigger_price     bigint NOT NULL,
    reserved          numeric(20, 0) NOT NULL,
    placed_at         bigint NOT NULL,
    fires_at_or_below bigint,
    fires_at_or_above bigint,
    UNIQUE (owner, order_id)
);
CREATE INDEX IF NOT EXISTS paper_open_orders_below_idx ON paper_open_orders (market_index, fires_at_or_below)
    WHERE fires_at_or_below IS NOT NULL;
CREATE INDEX IF NOT EXISTS paper_open_orders_above_idx ON paper_open_orders (market_index, fires_at_or_above)
    WHERE fires_at_or_above IS NOT NULL;

-- Every fill, from the OrderFilled events.
CREATE TABLE IF NOT EXISTS paper_fills (
    signature     text NOT NULL,
    idx           integer NOT NULL,
    owner         text NOT NULL,
    market_index  integer NOT NULL,
    order_id      numeric(20, 0),
    side          text NOT NULL,
    size          numeric(20, 0) NOT NULL,
    price         bigint NOT NULL,
    maker         boolean NOT NULL,
    fee           bigint NOT NULL,
    realized_pnl  bigint NOT NULL,
    at            timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (signature, idx)
);
CREATE INDEX IF NOT EXISTS paper_fills_owner_idx ON paper_fills (owner, at DESC);
