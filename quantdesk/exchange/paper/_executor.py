"""The paper venue's local executor: it takes serialized signed transactions
exactly as a cluster would and applies them with the Python engine (the mirror
of the on-chain program), persisting everything in Postgres.

One transaction, in order:
  1. admission (stateless): size, shape, every signature, no durable nonce, only
     known programs (the perp program and Compute Budget);
  2. a recent blockhash this venue issued (≤150 slots), and a signature never seen
     (replays are ``AlreadyProcessed``);
  3. the accounts its instructions name loaded from the account ledger
     (_ledger.py): the writable ones locked in address order, the others read
     without a lock; each instruction decoded with the IDL, its accounts checked
     like the program's Anchor constraints, applied by the engine to that partial
     state with the oracle from stored Pyth ticks and token moves on the paper
     USDC ledger; all instructions or none;
  4. in the same database transaction: the accounts that changed written back,
     the read models (_readmodels.py) and events updated, and the transaction
     logged by signature, ok or failed (a failed transaction, like on a cluster,
     still consumes its signature).

Transactions on disjoint writable accounts run concurrently; those sharing one
(the same trader, or the exchange's pools that every trade moves, as on chain)
take turns on its row lock.

``simulate`` runs steps 1–3 (optionally without signature checks, like
``simulateTransaction`` with ``sigVerify: false``) and commits nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool
from solders.pubkey import Pubkey

from quantdesk.engine import Err, OracleInput, State, apply, codec, normalize_price
from quantdesk.errors import VenueError
from quantdesk.exchange._blockhash import MAX_AGE_SLOTS, BlockhashIssuer, IssuedBlockhash, slot_at
from quantdesk.exchange._idl import IdlError, PerpIdl
from quantdesk.exchange._pdas import Pdas
from quantdesk.exchange._txcheck import AdmittedTransaction, TransactionRejected, admit_transaction
from quantdesk.exchange.paper._errors import AnchorError, not_initialized
from quantdesk.exchange.paper._ledger import AccountStore, Loaded
from quantdesk.exchange.paper._readmodels import ReadModels
from quantdesk.exchange.paper._resolve import Resolver
from quantdesk.exchange.paper._tokens import TokenLedger
from quantdesk.exchange.paper._upgrade import upgrade_paper_state
from quantdesk.market import FeedRegistry

COMPUTE_BUDGET = Pubkey.from_string("ComputeBudget111111111111111111111111111111")
_NO_ORACLE = OracleInput(feed_id=bytes(32), price=0, conf=0, exponent=0, publish_time=0, fully_verified=False)


@dataclass(frozen=True)
class Failure:
    """Why an executed transaction failed: a program error (6000+) or a framework/token error."""

    instruction_index: int
    code: int
    name: str
    message: str
    limit: int | None = None
    value: int | None = None


@dataclass(frozen=True)
class TxOutcome:
    signature: str
    slot: int
    ok: bool
    failure: Failure | None
    events: tuple[dict[str, Any], ...]
    logs: tuple[str, ...]
    state: State = field(repr=False)  # the accounts it loaded, after the transaction (before it, if it failed)
    before: State = field(repr=False)  # the accounts it loaded, before the transaction


@dataclass(frozen=True)
class _Decoded:
    """One instruction of an admitted transaction, decoded once with the IDL."""

    ins: Any
    name: str | None
    args: dict[str, Any]
    keys: dict[str, Pubkey]
    error: IdlError | None


@dataclass(frozen=True)
class TxStatus:
    signature: str
    slot: int
    ok: bool
    error: str | None
    logs: list[str]


class OracleBook:
    """The price a ``price_update`` account holds on this venue: the latest stored
    Pyth tick of the feed whose Solana price account it is (feeds.json)."""

    def __init__(self, registry: FeedRegistry) -> None:
        self._by_account = {Pubkey.from_string(f.price_account): f for f in registry if f.price_account}

    def read(self, conn: psycopg.Connection, account: Pubkey) -> OracleInput:
        feed = self._by_account.get(account)
        if feed is None:
            raise AnchorError(3007, "AccountOwnedByWrongProgram", "price_update",
                              f"{account} is not a Pyth price account this venue knows")
        oracle = self.latest_for_feed(conn, bytes.fromhex(feed.feed_id))
        if oracle is None:
            raise not_initialized("price_update", f"no {feed.symbol} price has been published yet")
        return oracle

    @staticmethod
    def latest_for_feed(conn: psycopg.Connection, feed_id: bytes) -> OracleInput | None:
        return OracleBook._oracle(feed_id, OracleBook._query(conn, feed_id).fetchone())

    def prefetch(self, conn: psycopg.Connection, account: Pubkey) -> Callable[[], OracleInput | None] | None:
        """Sends the read of ``account``'s latest price now and returns how to get it
        (None for an account that is no known price account: ``read`` says why)."""
        feed = self._by_account.get(account)
        if feed is None:
            return None
        feed_id = bytes.fromhex(feed.feed_id)
        cursor = self._query(conn, feed_id)
        return lambda: self._oracle(feed_id, cursor.fetchone())

    @staticmethod
    def _query(conn: psycopg.Connection, feed_id: bytes) -> psycopg.Cursor[Any]:
        return conn.execute("SELECT price, conf, expo, publish_time FROM price_ticks WHERE feed_id = %s "
                            "ORDER BY publish_time DESC LIMIT 1", (feed_id.hex(),))

    @staticmethod
    def _oracle(feed_id: bytes, row: Any) -> OracleInput | None:  # noqa: ANN401 - a result row
        if row is None:
            return None
        return OracleInput(feed_id=feed_id, price=int(row[0]), conf=int(row[1]), exponent=int(row[2]),
                           publish_time=int(row[3]), fully_verified=True)


class PaperExecutor:
    def __init__(self, pool: ConnectionPool, idl: PerpIdl, registry: FeedRegistry,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._pool = pool
        self.idl = idl
        self._idl = idl
        self._resolver = Resolver(idl)
        self._oracles = OracleBook(registry)
        self._clock = clock
        self.blockhashes = BlockhashIssuer(pool)
        self._store = AccountStore(self._resolver.pdas)
        self._reads = ReadModels()
        self._writable: dict[str, dict[str, bool]] = {}
        self._upgraded = False
        self.allowed_programs = frozenset({idl.program_id, COMPUTE_BUDGET})

    @property
    def pdas(self) -> Pdas:  # re-exported for clients building transactions
        return self._resolver.pdas

    def latest_blockhash(self) -> IssuedBlockhash:
        return self.blockhashes.latest(self._clock())

    # --- the two entry points -----------------------------------------------
    def submit(self, raw: bytes) -> TxOutcome:
        """Execute and commit. Raises TransactionRejected when the transaction never lands."""
        return self._process(raw, commit=True, sig_verify=True)

    def simulate(self, raw: bytes, *, sig_verify: bool = True) -> TxOutcome:
        """Run without committing anything (the outcome a ticket shows before approval)."""
        return self._process(raw, commit=False, sig_verify=sig_verify)

    def status(self, signature: str) -> TxStatus | None:
        with self._pool.connection() as conn:
            row = conn.execute("SELECT slot, ok, error, logs FROM paper_transactions WHERE signature = %s",
                               (signature,)).fetchone()
        return None if row is None else TxStatus(signature, int(row[0]), bool(row[1]), row[2], list(row[3]))

    def state(self) -> State:
        """The whole committed engine state. It reads every trader: for tests and
        compatibility only; hot paths use ``exchange_state`` / ``account_state``."""
        self._ensure_upgraded()
        with self._pool.connection() as conn:
            return self._store.load_all(conn)

    def exchange_state(self) -> State:
        """The exchange and its markets (no users, no orders)."""
        self._ensure_upgraded()
        with self._pool.connection() as conn:
            return self._store.load(conn, (), (), lock=False).state

    def account_state(self, *owners: bytes | Pubkey) -> State:
        """The exchange, its markets, these traders' accounts (those that exist) and
        their resting orders."""
        self._ensure_upgraded()
        with self._pool.connection() as conn:
            return self._store.load_owners(conn, [bytes(o) for o in owners])

    @property
    def pool(self) -> ConnectionPool:
        return self._pool

    def marks(self) -> dict[int, int]:
        """The latest oracle price of every market in engine units (10^-6 USD), where one is stored."""
        state = self.exchange_state()
        marks: dict[int, int] = {}
        with self._pool.connection() as conn:
            for market in state.markets:
                oracle = self._oracles.latest_for_feed(conn, market.params.pyth_feed_id)
                if oracle is not None:
                    marks[market.index] = normalize_price(oracle.price, oracle.exponent)
        return marks

    def token_balance(self, address: Pubkey) -> int:
        with self._pool.connection() as conn:
            return TokenLedger(conn, Pubkey(bytes(32))).balance(address)

    def faucet(self, owner: Pubkey, amount: int) -> Pubkey:
        """Credit paper USDC (base units) to ``owner``'s token account; returns its address."""
        if amount <= 0:
            raise VenueError("the faucet amount must be positive")
        state = self.exchange_state()
        with self._pool.connection() as conn, conn.transaction():
            if state.exchange is None:
                raise VenueError("the paper exchange is not initialized yet")
            return TokenLedger(conn, Pubkey(state.exchange.collateral_mint)).mint_to(owner, amount)

    # --- internals ------------------------------------------------------------
    def _process(self, raw: bytes, *, commit: bool, sig_verify: bool) -> TxOutcome:
        now = self._clock()
        tx = admit_transaction(raw, self.allowed_programs, verify_signatures=sig_verify)
        decoded = [self._decode(ins) for ins in tx.instructions]
        writable, readonly = self._named_accounts(decoded)
        self._ensure_upgraded()
        for attempt in range(2):
            try:
                return self._run(tx, decoded, writable, readonly, now, commit=commit)
            except psycopg.errors.UniqueViolation:
                # Two transactions created the same account at once (neither could lock a
                # row that did not exist yet); run again: this one now sees it exists.
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def _run(self, tx: AdmittedTransaction, decoded: list[_Decoded], writable: set[str], readonly: set[str],
             now: datetime, *, commit: bool) -> TxOutcome:
        signature = str(tx.signature)
        slot = slot_at(now)
        # Pipeline mode: statements whose results are not needed yet travel together,
        # so a transaction costs two round trips (reads and locks; writes and commit)
        # plus one per token move, rather than one per statement.
        with self._pool.connection() as conn:
            try:
                with conn.pipeline():
                    conn.execute("BEGIN")
                    issued = conn.execute("SELECT slot FROM paper_blockhashes WHERE blockhash = %s",
                                          (str(tx.recent_blockhash),))
                    seen = conn.execute("SELECT 1 FROM paper_transactions WHERE signature = %s",
                                        (signature,)) if commit else None
                    pending = self._store.query(conn, writable, readonly, lock=commit)
                    prices = {account: fetch for account in {d.keys["price_update"] for d in decoded
                                                             if d.keys.get("price_update") is not None}
                              if (fetch := self._oracles.prefetch(conn, account)) is not None}
                    row = issued.fetchone()
                    if row is None or slot - int(row[0]) > MAX_AGE_SLOTS:
                        raise TransactionRejected("BlockhashNotFound", "the transaction's recent blockhash is unknown "
                                                  f"or expired (valid for {MAX_AGE_SLOTS} slots); get a new one and "
                                                  "sign again")
                    if seen is not None and seen.fetchone():
                        raise TransactionRejected("AlreadyProcessed",
                                                  f"transaction {signature[:16]}… was already processed")
                    loaded = self._store.collect(pending)
                    oracles = {account: oracle for account, fetch in prices.items() if (oracle := fetch()) is not None}
                    outcome = self._execute(conn, tx, decoded, loaded.state, slot, int(now.timestamp()), oracles)
                    if commit:
                        if outcome.ok:
                            self._save(conn, loaded, outcome)
                        self._log(conn, tx, outcome)
                        conn.execute("COMMIT")
                    else:
                        conn.execute("ROLLBACK")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return outcome

    def _decode(self, ins: Any) -> _Decoded:  # noqa: ANN401 - an admitted instruction
        if ins.program_id == COMPUTE_BUDGET:
            return _Decoded(ins, None, {}, {}, None)
        try:
            name, args = self._idl.decode(ins.data)
        except IdlError as exc:
            return _Decoded(ins, None, {}, {}, exc)
        keys = dict(zip(self._idl.account_names(name), (m.pubkey for m in ins.accounts), strict=False))
        return _Decoded(ins, name, args, keys, None)

    def _named_accounts(self, decoded: list[_Decoded]) -> tuple[set[str], set[str]]:
        """The addresses the instructions name, split by the IDL's writable flag (the
        program's ``mut`` constraints): those the transaction may write, and the rest."""
        writable: set[str] = set()
        readonly: set[str] = set()
        for d in decoded:
            if d.name is None:
                continue
            flags = self._writable.get(d.name)
            if flags is None:
                flags = self._writable[d.name] = {a["name"]: bool(a.get("writable"))
                                                  for a in self._idl.doc_instruction(d.name)["accounts"]}
            for account, key in d.keys.items():
                (writable if flags.get(account) else readonly).add(str(key))
        return writable, readonly - writable

    def _execute(self, conn: psycopg.Connection, tx: AdmittedTransaction, decoded: list[_Decoded], state: State,
                 slot: int, now: int, oracles: dict[Pubkey, OracleInput]) -> TxOutcome:
        before = state
        events: list[dict[str, Any]] = []
        logs: list[str] = []
        signers = frozenset(tx.signers)
        conn.execute("SAVEPOINT tx_start")
        for index, d in enumerate(decoded):
            ins = d.ins
            if ins.program_id == COMPUTE_BUDGET:
                continue  # limits and priority fees mean nothing on paper
            logs.append(f"Program {ins.program_id} invoke [1]")
            if d.error is not None or d.name is None:
                failure = Failure(index, 101, "InstructionFallbackNotFound", str(d.error))
                return self._failed(conn, tx, before, slot, failure, logs)
            name = d.name
            try:
                logs.append(f"Program log: Instruction: {_camel(name)}")
                resolved = self._resolver.resolve(name, d.args, d.keys, signers, state)
                account = resolved.oracle_account
                oracle = (_NO_ORACLE if account is None else
                          oracles[account] if account in oracles else self._oracles.read(conn, account))
                result = apply(state, resolved.instruction, oracle, now)
                if isinstance(result, Err):
                    failure = Failure(index, result.code, result.name, result.message, result.limit, result.value)
                    return self._failed(conn, tx, before, slot, failure, logs)
                if (exchange := result.state.exchange or state.exchange) is not None:
                    ledger = TokenLedger(conn, Pubkey(exchange.collateral_mint))
                    if resolved.token_in is not None:
                        ledger.debit(*resolved.token_in, name="token account")
                    if resolved.token_out is not None:
                        ledger.credit(*resolved.token_out, name="destination")
            except AnchorError as exc:
                return self._failed(conn, tx, before, slot, Failure(index, exc.code, exc.name, str(exc)), logs)
            state = result.state
            for event in result.events:
                encoded = codec.encode_event(event)
                events.append(encoded)
                logs.append(f"Program log: event {json.dumps(encoded, sort_keys=True)}")
            logs.append(f"Program {ins.program_id} success")
        return TxOutcome(str(tx.signature), slot, True, None, tuple(events), tuple(logs), state, before)

    def _failed(self, conn: psycopg.Connection, tx: AdmittedTransaction, before: State, slot: int,
                failure: Failure, logs: list[str]) -> TxOutcome:
        conn.execute("ROLLBACK TO SAVEPOINT tx_start")  # token moves of earlier instructions too
        logs.append(f"Program log: {failure.name}: {failure.message}")
        logs.append(f"Program {self._idl.program_id} failed: custom program error: {hex(failure.code)}")
        return TxOutcome(str(tx.signature), slot, False, failure, (), tuple(logs), before, before)

    def _save(self, conn: psycopg.Connection, loaded: Loaded, outcome: TxOutcome) -> None:
        before, after = self._store.accounts(outcome.before), self._store.accounts(outcome.state)
        changed = self._store.save(conn, outcome.before, outcome.state, loaded.locked)
        self._reads.update(conn, changed, before, after, outcome.state.markets, outcome.signature, outcome.events)
        if outcome.events:
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO paper_events (signature, idx, name, owner, market_index, data) "
                    "VALUES (%s, %s, %s, %s, %s, %s)",
                    [(outcome.signature, idx, event["type"], event.get("owner"), event.get("market_index"),
                      Jsonb(event)) for idx, event in enumerate(outcome.events)])

    def _ensure_upgraded(self) -> None:
        if not self._upgraded:
            with self._pool.connection() as conn, conn.transaction():
                upgrade_paper_state(conn, self._store, self._reads)
            self._upgraded = True

    def _log(self, conn: psycopg.Connection, tx: AdmittedTransaction, outcome: TxOutcome) -> None:
        error = None if outcome.failure is None else f"{outcome.failure.name} ({outcome.failure.code}): " \
                                                     f"{outcome.failure.message}"
        conn.execute(
            "INSERT INTO paper_transactions (signature, slot, fee_payer, ok, error, logs, raw) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s)",
            (outcome.signature, outcome.slot, str(tx.fee_payer), outcome.ok, error, Jsonb(list(outcome.logs)),
             tx.raw),
        )


def _camel(name: str) -> str:
    return "".join(part.title() for part in name.split("_"))

