"""The paper venue's account ledger: one row per program account, keyed by the
address the program derives for it (the exchange, each market, each user account,
each resting order), as a cluster keeps them.

Rows hold the engine codec's JSON of the account, not the Anchor account bytes:
the executor applies the Python engine, which works on these dataclasses, so the
codec is the one format that round-trips them without a second (de)serializer to
keep in step with the program; it is strict (ranges, fields) and is what the
vectors, the Rust runner and the previous ``paper_state`` document already use.
The Solana venue reads the Anchor bytes from a cluster; the paper venue never needs them.

A transaction loads a *partial* engine State: the exchange and every market
(at most 16 small rows: the resolver finds markets by PDA and the engine indexes
``state.markets`` by market index, and place/close/trigger/liquidate write the
exchange's pools and the market's open interest, which the program's accounts name
too), plus the user and order accounts its instructions name. The engine touches
nothing else (engine/_apply.py: it finds users and orders by owner and id among
those present), which the differential test against the whole-state engine checks.
Writable accounts are locked with ``SELECT ... FOR UPDATE`` in address order
(collation "C") before anything is applied: first the paper token accounts among
them, then the program accounts. That is one global order, so two transactions
never wait on each other in a cycle; read-only accounts are read without a lock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from quantdesk.engine import Exchange, Market, Order, State, User, codec
from quantdesk.exchange._pdas import Pdas

Account = Exchange | Market | User | Order


def _decode(kind: str, data: Any) -> Account:
    match kind:
        case "exchange":
            return codec.decode_exchange(data)
        case "market":
            return codec.decode_market(data)
        case "user":
            return codec.decode_user(data)
        case "order":
            return codec.decode_order(data)
    raise ValueError(f"unknown account kind {kind!r}")


def _encode(account: Account) -> tuple[str, dict[str, Any]]:
    match account:
        case Exchange():
            return "exchange", codec.encode_exchange(account)
        case Market():
            return "market", codec.encode_market(account)
        case User():
            return "user", codec.encode_user(account)
        case Order():
            return "order", codec.encode_order(account)
    raise TypeError(f"not an engine account: {account!r}")


@dataclass(frozen=True)
class Loaded:
    """The accounts a transaction works on, as a partial engine State, and which of
    them it may write (those it locked)."""

    state: State
    locked: frozenset[str]


@dataclass(frozen=True)
class _Pending:
    locked: psycopg.Cursor[Any] | None
    rest: psycopg.Cursor[Any]
    lock_set: frozenset[str]


class AccountStore:
    def __init__(self, pdas: Pdas) -> None:
        self.pdas = pdas

    def address(self, account: Account) -> str:
        match account:
            case Exchange():
                return str(self.pdas.exchange())
            case Market():
                return str(self.pdas.market(account.index))
            case User():
                return str(self.pdas.user(account.owner))
            case Order():
                return str(self.pdas.order(account.owner, account.id))
        raise TypeError(f"not an engine account: {account!r}")

    def accounts(self, state: State) -> dict[str, Account]:
        """Every account of a (partial) state by address."""
        out: dict[str, Account] = {}
        if state.exchange is not None:
            out[self.address(state.exchange)] = state.exchange
        pieces: tuple[Account, ...] = (*state.markets, *state.users, *state.orders)
        for piece in pieces:
            out[self.address(piece)] = piece
        return out

    # --- reading ----------------------------------------------------------------
    def load(self, conn: psycopg.Connection, writable: Iterable[str], readonly: Iterable[str], *,
             lock: bool) -> Loaded:
        """The exchange, every market and the named accounts that exist; ``writable``
        ones locked (when ``lock``) in address order before anything else is read."""
        return self.collect(self.query(conn, writable, readonly, lock=lock))

    def query(self, conn: psycopg.Connection, writable: Iterable[str], readonly: Iterable[str], *,
              lock: bool) -> _Pending:
        """Sends the loading statements without waiting for their results (so that in
        pipeline mode they travel in one round trip with the caller's other reads)."""
        write = sorted(set(writable))
        locked = None
        if lock and write:
            # Paper USDC token accounts the transaction may move, first and in the same
            # order: the token ledger locks them again as it debits and credits, which
            # then never waits (the global order is: token accounts, then program accounts).
            conn.execute('SELECT 1 FROM paper_token_accounts WHERE address = ANY(%s) ORDER BY address COLLATE "C" '
                         "FOR UPDATE", (write,))
            locked = conn.execute('SELECT address, kind, seq, data FROM paper_accounts WHERE address = ANY(%s) '
                                  'ORDER BY address COLLATE "C" FOR UPDATE', (write,))
        # Everything named (the locked rows again: each statement reads the latest
        # committed rows, and those are ours now) plus the exchange and every market.
        rest = conn.execute("SELECT address, kind, seq, data FROM paper_accounts WHERE kind IN ('exchange', 'market') "
                            "OR address = ANY(%s)", (sorted(set(write) | set(readonly)),))
        return _Pending(locked, rest, frozenset(write if lock else ()))

    @staticmethod
    def collect(pending: _Pending) -> Loaded:
        rows: dict[str, tuple[str, int, Any]] = {}
        if pending.locked is not None:
            for address, kind, seq, data in pending.locked.fetchall():
                rows[address] = (kind, seq, data)
        for address, kind, seq, data in pending.rest.fetchall():
            rows.setdefault(address, (kind, seq, data))
        return Loaded(_state_of(rows.values()), pending.lock_set)

    def load_all(self, conn: psycopg.Connection) -> State:
        """The whole exchange (tests, the migration check and compatibility only: it
        reads every trader)."""
        return _state_of(conn.execute("SELECT kind, seq, data FROM paper_accounts").fetchall())

    def load_owners(self, conn: psycopg.Connection, owners: Iterable[bytes]) -> State:
        """The exchange, the markets, these traders' accounts and their resting orders
        (found through the open-orders read model, written with the accounts)."""
        owners = list(owners)
        rows = conn.execute(
            "SELECT kind, seq, data FROM paper_accounts WHERE kind IN ('exchange', 'market') OR address = ANY(%s) "
            "UNION ALL SELECT a.kind, a.seq, a.data FROM paper_open_orders o JOIN paper_accounts a "
            "ON a.address = o.address WHERE o.owner = ANY(%s)",
            ([str(self.pdas.user(o)) for o in owners], [codec.encode_key(o) for o in owners])).fetchall()
        return _state_of(rows)

    # --- writing ----------------------------------------------------------------
    def save(self, conn: psycopg.Connection, before: State, after: State, locked: frozenset[str]) -> list[str]:
        """Writes the accounts that changed (inserted, updated, or closed); returns their
        addresses. Raises if the engine changed an account the transaction did not lock."""
        old, new = self.accounts(before), self.accounts(after)
        changed = [a for a in new if old.get(a) != new[a]] + [a for a in old if a not in new]
        for address in changed:
            if address in old and address not in locked:
                raise RuntimeError(f"the engine changed account {address}, which the transaction did not lock")
            if address not in new:
                conn.execute("DELETE FROM paper_accounts WHERE address = %s", (address,))
                continue
            kind, data = _encode(new[address])
            if address in old:
                conn.execute("UPDATE paper_accounts SET data = %s, updated_at = clock_timestamp() "
                             "WHERE address = %s", (Jsonb(data), address))
            else:
                conn.execute("INSERT INTO paper_accounts (address, kind, data) VALUES (%s, %s, %s)",
                             (address, kind, Jsonb(data)))
        return changed

    def insert_all(self, conn: psycopg.Connection, state: State) -> None:
        """Writes every account of a whole state, in its order (the upgrade from a
        ``paper_state`` document; benchmark seeding uses COPY instead)."""
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO paper_accounts (address, kind, data) VALUES (%s, %s, %s)",
                            [(address, *_kind_data(account)) for address, account in self.accounts(state).items()])


def _kind_data(account: Account) -> tuple[str, Jsonb]:
    kind, data = _encode(account)
    return kind, Jsonb(data)


def _state_of(rows: Iterable[tuple[Any, ...]]) -> State:
    exchange: Exchange | None = None
    markets: list[Market] = []
    users: list[tuple[int, User]] = []
    orders: list[tuple[int, Order]] = []
    for row in rows:
        kind, seq, data = row[-3:]
        account = _decode(kind, data)
        if isinstance(account, Exchange):
            exchange = account
        elif isinstance(account, Market):
            markets.append(account)
        elif isinstance(account, User):
            users.append((seq, account))
        else:
            assert isinstance(account, Order)
            orders.append((seq, account))
    markets.sort(key=lambda m: m.index)
    if any(m.index != i for i, m in enumerate(markets)):
        raise RuntimeError("the paper ledger's markets are not numbered 0..n-1")
    return State(exchange=exchange, markets=tuple(markets), users=tuple(u for _, u in sorted(users, key=_first)),
                 orders=tuple(o for _, o in sorted(orders, key=_first)))


def _first(item: tuple[int, Any]) -> int:
    return item[0]
