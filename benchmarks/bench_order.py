"""Order path on the paper venue (issue #11): per order, build (blockhash, place_order
instruction, message), sign (solders), submit (admission with signature check,
blockhash, accounts loaded and locked, engine apply, accounts, read models, events and
the transaction log written in one database transaction) and read the result back
(the trader's account), at 10, 1,000 and 100,000 traders in the exchange, with one
client and with two concurrent clients on different traders: two processes (as the chat
API's two workers run), each with its own pool and executor, and, for comparison, two
threads of one process (which Python's GIL holds to one core). Beside it, the ceilings:
solders sign + signature verification of the same transaction bytes, and the engine's
``apply`` alone; and keeper passes (triggers, liquidation scan, funding) at the
largest size when there is nothing to do.

Traders are seeded untimed: create-user, deposit, a small long and a resting limit
order far below the market each, applied through the engine and bulk-written with
COPY (accounts and read models), so keepers have 100,000 positions and orders to
not act on. ``BENCH_ORDER_SIZES`` (comma-separated) overrides the sizes;
``--quick`` runs 10 and 1,000 traders with fewer orders.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from solders.keypair import Keypair  # noqa: E402
from solders.transaction import VersionedTransaction  # noqa: E402

import quantdesk.engine as ix  # noqa: E402
from quantdesk.config import Settings  # noqa: E402
from quantdesk.db import migrate, open_database  # noqa: E402
from quantdesk.engine import Err, OracleInput, OrderKind, Side, State, apply, codec  # noqa: E402  # noqa: E402
from quantdesk.exchange import (  # noqa: E402
    OrderParams,
    PerpIdl,  # noqa: E402
    PerpInstructions,
    admit_transaction,  # noqa: E402
    build_message,
)
from quantdesk.exchange.paper import (  # noqa: E402  # noqa: E402
    AccountStore,  # noqa: E402
    Keeper,  # noqa: E402
    PaperExecutor,  # noqa: E402
    bootstrap,  # noqa: E402
    crossed_triggers,
    due_funding,
    liquidatable,
    order_fires,
    position_liquidation_price,
)
from quantdesk.ingest import TickWriter  # noqa: E402
from quantdesk.market import FeedRegistry, PriceUpdate  # noqa: E402
from quantdesk.wallet import Signer  # noqa: E402

NAME = "order"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
PRICES = {"SOL/USD": 150_00000000, "BTC/USD": 95_000_00000000, "ETH/USD": 3_000_00000000}  # expo -8
SOL = 0
ORDER = 10**9  # 1 SOL
ACTIVE = 4  # traders each client cycles through (two clients: 8, fewer than the smallest size)


def _row(metric: str, value: float, unit: str, target: str = "", ok: bool | None = None, note: str = "") -> dict:
    return {"benchmark": NAME, "metric": metric, "value": value, "unit": unit, "target": target, "ok": ok,
            "note": note}


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Venue:
    def __init__(self, tmp: str) -> None:
        settings = Settings(_env_file=None, data_dir=Path(tmp))  # type: ignore[call-arg]
        self.db = open_database(settings)
        migrate(self.db)
        self.registry = FeedRegistry.load()
        self.idl = PerpIdl.load()
        self.executor = PaperExecutor(self.db.pool, self.idl, self.registry, clock=lambda: NOW)
        self.ixs = PerpInstructions(self.idl)
        asyncio.run(self._ticks())
        bootstrap(self.executor, Signer(Keypair()), self.registry)
        self.store = AccountStore(self.executor.pdas)
        self.active: list[Signer] = []
        self.active_seeds: list[int] = []  # Keypair.from_seed(i) of each active trader, for client processes
        self.traders = 0
        self.next_ids: dict[bytes, int] = {}

    async def _ticks(self) -> None:
        import psycopg

        ticks = [PriceUpdate(feed_id=self.registry.get(s).feed_id, price=p, conf=p // 10_000, expo=-8,
                             publish_time=int(NOW.timestamp()) - 1, source="hermes") for s, p in PRICES.items()]
        async with await psycopg.AsyncConnection.connect(self.db.url) as conn:
            await TickWriter(self.registry).write(conn, ticks)

    def oracle(self, symbol: str) -> OracleInput:
        feed = self.registry.get(symbol)
        price = PRICES[symbol]
        return OracleInput(bytes.fromhex(feed.feed_id), price, price // 10_000, -8, int(NOW.timestamp()) - 1, True)

    def seed(self, total: int) -> float:
        """Adds traders up to ``total`` (untimed for the order path); returns seconds taken."""
        t0 = time.perf_counter()
        base = self.executor.exchange_state()
        exchange, markets = base.exchange, base.markets
        oracle, now = self.oracle("SOL/USD"), int(NOW.timestamp())
        accounts, positions, orders = [], [], []
        for i in range(self.traders, total):
            keypair = Keypair.from_seed(i.to_bytes(32, "little"))
            owner = bytes(keypair.pubkey())
            state = State(exchange=exchange, markets=markets)
            for instruction in (ix.CreateUser(owner, None), ix.Deposit(owner, 10_000 * 10**6),
                                _place(owner, OrderKind.MARKET, Side.BUY, 0, 0),
                                _place(owner, OrderKind.LIMIT, Side.BUY, 50_000_000, 1)):
                result = apply(state, instruction, oracle, now)
                assert not isinstance(result, Err), result
                state = result.state
            exchange, markets = state.exchange, state.markets
            (user,), (order,) = state.users, state.orders
            accounts.append((self.store.address(user), "user", json.dumps(codec.encode_user(user))))
            order_address = self.store.address(order)
            accounts.append((order_address, "order", json.dumps(codec.encode_order(order))))
            owner_text = codec.encode_key(owner)
            for p in user.positions:
                positions.append((owner_text, p.market_index, p.base, p.quote_entry, p.margin,
                                  p.last_cumulative_funding, position_liquidation_price(p, markets[p.market_index]),
                                  markets[p.market_index].cumulative_funding))
            below, above = order_fires(order, markets[order.market_index])
            orders.append((order_address, owner_text, order.id, order.market_index, order.kind.value,
                           order.side.value, order.size, order.price, order.trigger_price, order.reserved,
                           order.placed_at, below, above))
            if len(self.active) < 2 * ACTIVE:
                signer = Signer(keypair)
                self.active.append(signer)
                self.active_seeds.append(i)
                self.next_ids[owner] = user.next_order_id
        with self.db.pool.connection() as conn, conn.cursor() as cur:
            with cur.copy("COPY paper_accounts (address, kind, data) FROM STDIN") as copy:
                for row in accounts:
                    copy.write_row(row)
            with cur.copy("COPY paper_positions (owner, market_index, base, quote_entry, margin, "
                          "last_cumulative_funding, liquidation_price, funding_index) FROM STDIN") as copy:
                for row in positions:
                    copy.write_row(row)
            with cur.copy("COPY paper_open_orders (address, owner, order_id, market_index, kind, side, size, price, "
                          "trigger_price, reserved, placed_at, fires_at_or_below, fires_at_or_above) "
                          "FROM STDIN") as copy:
                for row in orders:
                    copy.write_row(row)
            for piece in (exchange, *markets):
                data = codec.encode_exchange(piece) if piece is exchange else codec.encode_market(piece)
                cur.execute("UPDATE paper_accounts SET data = %s WHERE address = %s",
                            (json.dumps(data), self.store.address(piece)))
            cur.execute("ANALYZE paper_accounts")
            cur.execute("ANALYZE paper_positions")
            cur.execute("ANALYZE paper_open_orders")
        self.traders = total
        return time.perf_counter() - t0

    @property
    def price_account(self):  # noqa: ANN201
        from solders.pubkey import Pubkey

        return Pubkey.from_string(self.registry.get("SOL/USD").price_account or "")

    def order(self, signer: Signer, coid: int) -> float:
        return place_one(self.executor, self.ixs, self.registry, self.next_ids, signer, coid)


def place_one(executor: PaperExecutor, ixs: PerpInstructions, registry: FeedRegistry, next_ids: dict[bytes, int],
              signer: Signer, coid: int) -> float:
    """One order through the whole path; ms."""
    from solders.pubkey import Pubkey

    t0 = time.perf_counter()
    owner = bytes(signer.pubkey)
    side = "Buy" if next_ids[owner] % 2 == 0 else "Sell"  # each trader: open 1 SOL, then close it
    params = OrderParams("Market", side, size=ORDER, price=0, trigger_price=0, reduce_only=False,
                         client_order_id=coid, leverage=5)
    price_account = Pubkey.from_string(registry.get("SOL/USD").price_account or "")  # SOL's Pyth account
    instruction = ixs.place_order(signer.pubkey, signer.pubkey, SOL, next_ids[owner], price_account, params)
    message = build_message(signer.pubkey, [instruction], executor.latest_blockhash().blockhash)
    raw = bytes(signer.sign_transaction(message))
    outcome = executor.submit(raw)
    assert outcome.ok, outcome.failure
    user = executor.account_state(signer.pubkey).user(owner)
    assert user is not None
    next_ids[owner] = user.next_order_id
    return (time.perf_counter() - t0) * 1000


def _client_process(url: str, seeds: list[int], n: int, start: int, barrier, results) -> None:  # noqa: ANN001
    """One client in a process of its own (as the chat API's workers are): its own pool and executor."""
    from quantdesk.db import Database

    db = Database(kind="external", _url=url, pool_max=2)
    try:
        registry, idl = FeedRegistry.load(), PerpIdl.load()
        executor = PaperExecutor(db.pool, idl, registry, clock=lambda: NOW)
        signers = [Signer(Keypair.from_seed(i.to_bytes(32, "little"))) for i in seeds]
        next_ids = {}
        for signer in signers:
            user = executor.account_state(signer.pubkey).user(bytes(signer.pubkey))
            assert user is not None
            next_ids[bytes(signer.pubkey)] = user.next_order_id
        ixs = PerpInstructions(idl)
        place_one(executor, ixs, registry, next_ids, signers[0], start - 1)  # warm-up, outside the sample
        barrier.wait()
        samples = [place_one(executor, ixs, registry, next_ids, signers[k % len(signers)], start + k)
                   for k in range(n)]
        results.put((time.perf_counter(), samples))
    finally:
        db.close()


def _place(owner: bytes, kind: OrderKind, side: Side, price: int, coid: int) -> ix.PlaceOrder:
    return ix.PlaceOrder(signer=owner, owner=owner, market_index=SOL, kind=kind, side=side, size=10**8, price=price,
                         trigger_price=0, reduce_only=False, client_order_id=coid, leverage=2)


def _one_client(venue: Venue, traders: list[Signer], n: int, start: int) -> tuple[list[float], float]:
    samples: list[float] = []
    t0 = time.perf_counter()
    for k in range(n):
        samples.append(venue.order(traders[k % len(traders)], start + k))
    return samples, n / (time.perf_counter() - t0)


def _two_clients(venue: Venue, n: int, start: int) -> tuple[list[float], float]:
    halves = (venue.active[:ACTIVE], venue.active[ACTIVE:])
    results: list[list[float]] = [[], []]
    barrier = threading.Barrier(2)

    def client(i: int) -> None:
        barrier.wait()
        results[i] = _one_client(venue, halves[i], n, start + i * n)[0]

    threads = [threading.Thread(target=client, args=(i,)) for i in (0, 1)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results[0] + results[1], 2 * n / (time.perf_counter() - t0)


def _ceilings(venue: Venue, n: int) -> list[dict]:
    signer = venue.active[0]
    owner = bytes(signer.pubkey)
    params = OrderParams("Market", "Buy", size=ORDER, price=0, trigger_price=0, reduce_only=False,
                         client_order_id=1, leverage=5)
    instruction = venue.ixs.place_order(signer.pubkey, signer.pubkey, SOL, venue.next_ids[owner],
                                        venue.price_account, params)
    message = build_message(signer.pubkey, [instruction], venue.executor.latest_blockhash().blockhash)
    sign_verify: list[float] = []
    for _ in range(n):
        t0 = time.perf_counter()
        raw = bytes(signer.sign_transaction(message))
        admit_transaction(raw, venue.executor.allowed_programs, verify_signatures=True)
        sign_verify.append((time.perf_counter() - t0) * 1000)
    assert VersionedTransaction.from_bytes(raw).verify_with_results() == [True]
    state = venue.executor.account_state(signer.pubkey)
    engine_ix = _place(owner, OrderKind.MARKET, Side.BUY, 0, 7)
    engine_ix = replace(engine_ix, size=ORDER, leverage=5)
    oracle, now = venue.oracle("SOL/USD"), int(NOW.timestamp())
    applies: list[float] = []
    for _ in range(n):
        t0 = time.perf_counter()
        result = apply(state, engine_ix, oracle, now)
        applies.append((time.perf_counter() - t0) * 1000)
    assert hasattr(result, "state")
    commits: list[float] = []
    with venue.db.pool.connection() as conn:
        for i in range(n):  # a durable commit (WAL flush) on the same server: the floor of any write
            t0 = time.perf_counter()
            conn.execute("INSERT INTO paper_blockhashes (blockhash, slot, issued_at) VALUES (%s, %s, now())",
                         (f"bench-commit-{i}", -1 - i))
            conn.commit()
            commits.append((time.perf_counter() - t0) * 1000)
        conn.execute("DELETE FROM paper_blockhashes WHERE slot < 0")
    return [
        _row("ceiling: Postgres one-row insert + commit p50", statistics.median(commits), "ms",
             note="fsync on (durable), same server"),
        _row("ceiling: Postgres one-row insert + commit p99", _pct(commits, 0.99), "ms"),
        _row("ceiling: solders sign + verify p50", statistics.median(sign_verify), "ms", note="same tx bytes"),
        _row("ceiling: solders sign + verify p99", _pct(sign_verify, 0.99), "ms"),
        _row("ceiling: engine apply alone p50", statistics.median(applies), "ms", note="place_order, partial state"),
        _row("ceiling: engine apply alone p99", _pct(applies, 0.99), "ms"),
    ]


def _keeper_rows(venue: Venue, reps: int) -> list[dict]:
    keeper = Keeper(venue.executor, Signer(Keypair()), venue.registry)
    now = int(NOW.timestamp())
    timings: dict[str, list[float]] = {"triggers": [], "liquidation scan": [], "funding": [], "whole pass": []}
    for _ in range(reps):
        state = venue.executor.exchange_state()
        marks = venue.executor.marks()
        with venue.db.pool.connection() as conn:
            t0 = time.perf_counter()
            found_t = crossed_triggers(conn, marks)
            timings["triggers"].append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            found_l = liquidatable(conn, state.markets, marks)
            timings["liquidation scan"].append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        found_f = due_funding(venue.executor.exchange_state(), now)
        timings["funding"].append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        report = keeper.run_once(now)
        timings["whole pass"].append((time.perf_counter() - t0) * 1000)
        assert not found_t and not found_l and not found_f and report.outcomes == [], (found_t, found_l, found_f)
    return [_row(f"keeper {name} at {venue.traders:,} traders, nothing to do, p99", _pct(v, 0.99), "ms",
                 "< 50 ms", _pct(v, 0.99) < 50, f"median {statistics.median(v):.2f} ms, {reps} passes")
            for name, v in timings.items()]


def _two_processes(venue: Venue, n: int, start: int) -> tuple[list[float], float]:
    """Two clients in two processes on disjoint traders; orders/s from the common start to the last finish."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    sys.path.insert(0, str(Path(__file__).resolve().parent))  # the children import this module by name
    barrier, results = ctx.Barrier(3), ctx.Queue()
    halves = (venue.active_seeds[:ACTIVE], venue.active_seeds[ACTIVE:])
    procs = [ctx.Process(target=_client_process, args=(venue.db.url, list(halves[i]), n, start + i * (n + 1) + 1,
                                                       barrier, results)) for i in (0, 1)]
    for proc in procs:
        proc.start()
    barrier.wait()
    t0 = time.perf_counter()
    done = [results.get(timeout=600) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
        assert proc.exitcode == 0, f"client process exited {proc.exitcode}"
    for signer in venue.active:  # the processes moved these traders on
        user = venue.executor.account_state(signer.pubkey).user(bytes(signer.pubkey))
        assert user is not None
        venue.next_ids[bytes(signer.pubkey)] = user.next_order_id
    finished = max(at for at, _ in done)
    return done[0][1] + done[1][1], 2 * n / (finished - t0)


def run(quick: bool = False) -> list[dict]:
    sizes = [int(s) for s in os.environ.get("BENCH_ORDER_SIZES", "10,1000" if quick else "10,1000,100000").split(",")]
    n = 60 if quick else 400
    rows: list[dict] = []
    p99s: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="qd-bench-order-") as tmp:
        venue = Venue(tmp)
        coid = 10
        try:
            for size in sizes:
                seeded = venue.seed(size)
                venue.order(venue.active[0], coid)  # warm caches (PDAs, plans) outside the sample
                coid += 1
                one, rate1 = _one_client(venue, venue.active[:ACTIVE], n, coid)
                coid += n
                two, rate2 = _two_clients(venue, n, coid)
                coid += 2 * n
                procs, rate_p = _two_processes(venue, n, coid)
                coid += 2 * (n + 1) + 2
                p99s[size] = _pct(one, 0.99)
                note = f"{n} orders; seeding {seeded:.1f} s untimed; load average {os.getloadavg()[0]:.1f}"
                rows += [
                    _row(f"order path p50, {size:,} traders, 1 client", statistics.median(one), "ms", note=note),
                    _row(f"order path p99, {size:,} traders, 1 client", p99s[size], "ms", "< 10 ms",
                         p99s[size] < 10),
                    _row(f"orders/s, {size:,} traders, 1 client", rate1, "orders/s"),
                    _row(f"order path p50, {size:,} traders, 2 clients (processes)", statistics.median(procs), "ms"),
                    _row(f"order path p99, {size:,} traders, 2 clients (processes)", _pct(procs, 0.99), "ms",
                         "< 10 ms", _pct(procs, 0.99) < 10),
                    _row(f"orders/s, {size:,} traders, 2 clients (processes)", rate_p, "orders/s",
                         ">= 1.3x 1 client", rate_p >= 1.3 * rate1, f"{rate_p / rate1:.2f}x"),
                    _row(f"orders/s, {size:,} traders, 2 clients (threads of one process)", rate2, "orders/s",
                         note=f"{rate2 / rate1:.2f}x; p99 {_pct(two, 0.99):.1f} ms: one interpreter's GIL"),
                ]
            largest, smallest = max(sizes), min(sizes)
            if largest != smallest:
                ratio = p99s[largest] / p99s[smallest]
                rows.append(_row(f"p99 at {largest:,} / p99 at {smallest:,} traders", ratio, "x", "<= 1.5x",
                                 ratio <= 1.5))
            rows += _ceilings(venue, n)
            rows += _keeper_rows(venue, 10 if quick else 30)
        finally:
            venue.db.close()
    return rows


if __name__ == "__main__":
    for r in run(quick="--quick" in sys.argv):
        print(r)
