"""MIKEY's turns with the rules model: in one long thread (issue #19), and in
short threads against LangGraph's prebuilt ReAct agent given the same tools, the
same (rules) model and the same Postgres checkpointer as the baseline.

Turns: a read-only question ("price of sol") and a trade up to its ticket
("long 2 SOL 5x": parse, simulate on the paper venue, risk, ticket saved,
graph paused at the gate).

Long thread: one thread is filled with real read-only turns up to each mark (10,
100, 1,000, 5,000 turns; 10, 100, 300 with --quick); at each mark 20 read-only
turns and then 20 trade-to-ticket turns are timed (each trade turn sets the
previous ticket aside, as a trader re-asking would). Checkpoint storage is the
bytes of the thread's rows in LangGraph's three tables (checkpoints,
checkpoint_blobs, checkpoint_writes), read at each mark; "added per turn" is its
change since the previous mark over the turns in between. The transcript's bytes
per turn (every message, kept by design) are shown beside it.

Short threads: "model time" is the time inside the rules model's calls, measured
by wrapping it; the overhead is the turn minus that."""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

NAME = "agent"


def _row(metric: str, value: float, unit: str, target: str = "", ok: bool | None = None, note: str = "") -> dict:
    return {"benchmark": NAME, "metric": metric, "value": value, "unit": unit, "target": target, "ok": ok,
            "note": note}


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


_THREAD_BYTES = """
SELECT (SELECT coalesce(sum(pg_column_size(c.*)), 0) FROM checkpoints c WHERE thread_id = %(t)s)
     + (SELECT coalesce(sum(pg_column_size(b.*)), 0) FROM checkpoint_blobs b WHERE thread_id = %(t)s)
     + (SELECT coalesce(sum(pg_column_size(w.*)), 0) FROM checkpoint_writes w WHERE thread_id = %(t)s),
       (SELECT coalesce(sum(pg_column_size(m.*)), 0) FROM chat_messages m WHERE thread_id = %(t)s)
"""


async def _long_thread(session: Any, db_url: str, quick: bool) -> list[dict]:
    """Turn latency and checkpoint storage at growing lengths of one thread."""
    import psycopg

    marks = (10, 100, 300) if quick else (10, 100, 1000, 5000)
    sample = 10 if quick else 20
    thread, turns = "long-thread", 0
    tickets = [0]

    async def turn(text: str) -> float:
        nonlocal turns
        started = time.perf_counter()
        async for event in session.send(thread, "bench", text):
            tickets[0] += event.type == "ticket"
        turns += 1
        return (time.perf_counter() - started) * 1000

    async def stored() -> tuple[int, int]:
        async with await psycopg.AsyncConnection.connect(db_url) as conn:
            row = await (await conn.execute(_THREAD_BYTES, {"t": thread})).fetchone()
        assert row is not None
        return int(row[0]), int(row[1])

    rows: list[dict] = []
    p50s: dict[tuple[str, int], float] = {}
    last_turns, (last_bytes, last_transcript) = 0, (0, 0)
    started = time.perf_counter()
    for mark in marks:
        while turns < mark:
            await turn("price of sol")
        held, transcript = await stored()
        added = (held - last_bytes) / (turns - last_turns)
        per_message = (transcript - last_transcript) / (turns - last_turns)
        last_turns, last_bytes, last_transcript = turns, held, transcript
        rows.append(_row(f"long thread: checkpoint bytes added per turn, up to turn {mark:,}", added / 1000, "KB",
                         "< 50 KB", added < 50_000,
                         f"thread holds {held / 1000:.1f} KB of checkpoints; "
                         f"transcript {per_message / 1000:.2f} KB/turn"))
        for label, text in (("read-only", "price of sol"), ("trade to ticket", "long 2 SOL 5x")):
            before = tickets[0]
            times = [await turn(text) for _ in range(sample)]
            if label == "trade to ticket":
                assert tickets[0] - before == sample, f"only {tickets[0] - before} of {sample} trade turns ticketed"
            p50 = statistics.median(times)
            p50s[(label, mark)] = p50
            target, ok = "", None
            if mark != marks[0]:
                ratio = p50 / p50s[(label, marks[0])]
                target, ok = "p50 ≤ 1.2x turn 10's" if mark >= 1000 else "", (ratio <= 1.2) if mark >= 1000 else None
                note = f"{ratio:.2f}x turn {marks[0]}'s p50"
            else:
                note = f"{sample} turns from turn {mark}"
            rows.append(_row(f"long thread: {label} turn p50 at turn {mark:,}", p50, "ms", target, ok, note))
            rows.append(_row(f"long thread: {label} turn p99 at turn {mark:,}", _pct(times, 0.99), "ms",
                             note=f"of {sample}: the slowest"))
    rows.append(_row("long thread: whole run", time.perf_counter() - started, "s", note=f"{turns:,} turns"))
    return rows


async def _measure(quick: bool) -> list[dict]:
    import psycopg
    from langchain.agents import create_agent
    from langchain_core.messages import HumanMessage
    from langchain_core.tools import StructuredTool

    from agent import open_checkpointer
    from agent.models import RulesChatModel
    from interfaces import open_mikey
    from quantdesk.config import Settings
    from quantdesk.ingest import TickWriter
    from quantdesk.market import FeedRegistry, PriceUpdate
    from tools import ToolContext
    from tools.schemas import TOOL_ARGS

    model_time = [0.0]
    original = RulesChatModel.respond

    def timed_respond(self: RulesChatModel, messages: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(self, messages)
        finally:
            model_time[0] += time.perf_counter() - started

    RulesChatModel.respond = timed_respond  # type: ignore[method-assign]  # measurement only
    n = 30 if quick else 200
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="qd-bench-agent-") as tmp:
        settings = Settings(_env_file=None, data_dir=Path(tmp))  # type: ignore[call-arg]
        async with open_mikey(settings) as mikey:
            registry = FeedRegistry.load()
            async with await psycopg.AsyncConnection.connect(mikey.db.url) as conn:
                await TickWriter(registry).write(conn, [PriceUpdate(
                    feed_id=registry.get("SOL/USD").feed_id, price=15_000_000_000, conf=5_000_000, expo=-8,
                    publish_time=int(time.time()) + 3600, source="hermes")])  # stays fresh for the whole run
            session = mikey.session

            tickets = [0]

            async def turn(text: str, thread: str) -> tuple[float, float]:
                model_time[0] = 0.0
                started = time.perf_counter()
                async for event in session.send(thread, "bench", text):
                    tickets[0] += event.type == "ticket"
                return time.perf_counter() - started, model_time[0]

            await turn("price of sol", "warm")  # onboarding, first-use costs
            rows.extend(await _long_thread(session, mikey.db.url, quick))
            for label, text in (("read-only", "price of sol"), ("trade to ticket", "long 2 SOL 5x")):
                totals, overheads = [], []
                for i in range(n):
                    total, model = await turn(text, f"{label}-{i}")
                    totals.append(total * 1000)
                    overheads.append((total - model) * 1000)
                rows.append(_row(f"MIKEY {label} turn p50", statistics.median(totals), "ms", note=f"{n} turns"))
                rows.append(_row(f"MIKEY {label} turn p99", _pct(totals, 0.99), "ms"))
                p50 = statistics.median(overheads)
                rows.append(_row(f"MIKEY {label} overhead excl. model p50", p50, "ms", "< 20 ms", p50 < 20))
                if label == "read-only":
                    mikey_read_p50 = statistics.median(totals)
                else:
                    assert tickets[0] == n, f"only {tickets[0]} of {n} trade turns reached a ticket"

            # Baseline: prebuilt ReAct agent, same rules model, same tools (through the same toolbox), same saver.
            from quantdesk.ingest import PostgresPrices
            from quantdesk.market import QualityGate
            from tools import build_toolbox

            prices = PostgresPrices(mikey.db, registry, QualityGate.from_settings(settings))
            box = build_toolbox(mikey.db, prices)

            def make_tool(name: str) -> StructuredTool:
                async def run(**kwargs: Any) -> str:
                    ctx = ToolContext("bench", "react", datetime.now(UTC))
                    return (await box.call(name, kwargs, ctx)).text

                return StructuredTool.from_function(coroutine=run, name=name, description=name,
                                                    args_schema=TOOL_ARGS[name])

            tools = [make_tool(name) for name in sorted(box.names)]
            import warnings

            from langgraph.prebuilt import create_react_agent

            async with open_checkpointer(mikey.db) as saver:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # create_react_agent is deprecated in favour of create_agent
                    baselines = {
                        "langchain create_agent": create_agent(RulesChatModel().bind_tools(tools), tools,
                                                               checkpointer=saver),
                        "langgraph create_react_agent": create_react_agent(RulesChatModel().bind_tools(tools), tools,
                                                                           checkpointer=saver),
                    }
                for name, react in baselines.items():
                    base = []
                    for i in range(n):
                        started = time.perf_counter()
                        await react.ainvoke({"messages": [HumanMessage("price of sol")]},
                                            {"configurable": {"thread_id": f"{name}-{i}"}})
                        base.append((time.perf_counter() - started) * 1000)
                    base_p50 = statistics.median(base)
                    rows.append(_row(f"{name} read-only turn p50", base_p50, "ms", note="baseline"))
                    rows.append(_row(f"{name} read-only turn p99", _pct(base, 0.99), "ms", note="baseline"))
                    ratio = mikey_read_p50 / base_p50
                    rows.append(_row(f"MIKEY / {name} read-only p50", ratio, "x", "≤ 1.2x", ratio <= 1.2))
    RulesChatModel.respond = original  # type: ignore[method-assign]
    return rows


def run(quick: bool = False) -> list[dict]:
    return asyncio.run(_measure(quick))


if __name__ == "__main__":
    for r in run(quick="--quick" in sys.argv):
        print(f"{r['metric']:45s} {r['value']:10.3f} {r['unit']} {r['target']} {'' if r['ok'] is None else r['ok']}")
