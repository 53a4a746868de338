"""Upgrading a paper venue that kept the whole exchange in one ``paper_state``
JSON document (migrations 0005..0013) to the account ledger (0014).

Splitting the document needs the engine codec and the program's PDA derivation,
which SQL does not have, so migration 0014 only creates the tables and the
executor converts a leftover document the first time it is used: in one database
transaction it locks the document row, writes every account and the read models
(and the fills from the stored events), and deletes the document. Processes
opening the venue together take turns on that row lock; the later ones find no
document left. A failure rolls everything back and leaves the document in place.
"""

from __future__ import annotations

import psycopg

from quantdesk.engine import codec
from quantdesk.errors import VenueError
from quantdesk.exchange.paper._ledger import AccountStore
from quantdesk.exchange.paper._readmodels import ReadModels


def upgrade_paper_state(conn: psycopg.Connection, store: AccountStore, reads: ReadModels) -> bool:
    """Converts a leftover ``paper_state`` document (in the caller's transaction);
    True if there was one."""
    exists = conn.execute("SELECT to_regclass('paper_state') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        return False
    row = conn.execute("SELECT doc FROM paper_state WHERE id = 1 FOR UPDATE").fetchone()
    if row is None:
        return False
    state = codec.decode_state(row[0])
    if state.exchange is not None or state.users:
        taken = conn.execute("SELECT count(*) FROM paper_accounts").fetchone()
        if taken and taken[0]:
            raise VenueError("the paper venue holds both a paper_state document and ledger accounts; "
                             "refusing to merge them (keep one and delete the other)")
        store.insert_all(conn, state)
        reads.rebuild(conn, state.users, [(store.address(o), o) for o in state.orders], state.markets)
        conn.execute(
            "INSERT INTO paper_fills (signature, idx, owner, market_index, order_id, side, size, price, maker, fee, "
            "realized_pnl, at) SELECT signature, idx, data->>'owner', (data->>'market_index')::integer, "
            "(data->>'order_id')::numeric, data->>'side', (data->>'size')::numeric, (data->>'price')::bigint, "
            "(data->>'maker')::boolean, (data->>'fee')::bigint, (data->>'realized_pnl')::bigint, at "
            "FROM paper_events WHERE name = 'OrderFilled' ON CONFLICT DO NOTHING")
    conn.execute("DELETE FROM paper_state WHERE id = 1")
    return True
