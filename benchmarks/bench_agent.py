"""Agent turn overhead with the rules model, against LangGraph's prebuilt ReAct
agent given the same tools, the same (rules) model and the same Postgres
checkpointer as the baseline.

Turns: a read-only question ("price of sol") and a trade up to its ticket
("long 2 SOL 5x": parse, simulate on the paper venue, risk, ticket saved,
graph paused at the gate). "Model time" is the time inside the rules model's
calls, measured by wrapping it; the overhead is the turn minus that."""

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


async def _measure(quick: bool) -> list[dict]:
    import psycopg
    from langchain_core.messages import HumanMessage
    from langchain_core.tools import StructuredTool
    from langchain.agents import create_agent

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
            from tools import build_toolbox
            from quantdesk.ingest import PostgresPrices
            from quantdesk.market import QualityGate

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
