"""`python -m evals run --suite trading|multi_turn|knowledge|safety|policy|all --model rules|<model>
[--trials K] [--dataset PATH] [--ci] [--compare PREV/results.json] --out DIR`."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from evals.gate import check_gate, write_baseline
from evals.report import build_results, suite_table, write_report
from evals.run import SUITES, run_all, select

app = typer.Typer(help="MIKEY's eval harness.", no_args_is_help=True, add_completion=False)
console = Console()


def _commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False)
    return done.stdout.strip() or "unknown"


@app.callback()
def main() -> None:
    """MIKEY's eval harness."""


@app.command()
def run(
    suite: str = typer.Option("all", help=f"One of {', '.join(SUITES)} or all."),
    model: str = typer.Option("rules", help="rules (offline) or a LangChain model string, e.g. openai:gpt-4o-mini."),
    trials: int = typer.Option(1, min=1, max=20, help="Trials per case: reports pass^1 and pass^K."),
    dataset: Path = typer.Option(None, help="Run this JSONL file (same format) instead of the suites."),
    ci: bool = typer.Option(False, "--ci", help="Only the fast subset (cases marked ci)."),
    compare_to: Path = typer.Option(None, "--compare", help="A previous results.json to compare with."),
    out: Path = typer.Option(Path("evals/out"), help="Where results.json and the reports go."),
    gate: bool = typer.Option(False, help="Exit 1 when a score is below evals/baseline.json."),
    baseline: bool = typer.Option(False, "--write-baseline", help="Write evals/baseline.json from this run."),
    log_level: str = typer.Option("WARNING", help="MIKEY's own log level during the run (DEBUG…ERROR)."),
) -> None:
    """Run cases against the real agent and write results.json, report.md and report.html."""
    from quantdesk.config import Settings
    from quantdesk.db import open_database
    from quantdesk.logs import configure_logging

    if suite != "all" and suite not in SUITES:
        console.print(f"error: unknown suite {suite!r}; suites are {', '.join(SUITES)} or all")
        raise typer.Exit(2)
    if dataset is not None and not dataset.exists():
        console.print(f"error: no dataset at {dataset}")
        raise typer.Exit(2)
    previous = None
    if compare_to is not None:
        if not compare_to.exists():
            console.print(f"error: no previous results at {compare_to}")
            raise typer.Exit(2)
        previous = json.loads(compare_to.read_text())
    elif (out / "results.json").exists():
        previous = json.loads((out / "results.json").read_text())  # the last run in the same place
    cases = select(list(SUITES) if suite == "all" else [suite], dataset, ci)
    if not cases:
        console.print("error: no cases selected")
        raise typer.Exit(2)
    settings = Settings(mikey_model=model)
    configure_logging(settings.model_copy(update={"log_level": log_level.upper()}))  # the bars, not every tick
    # The eval server lives beside the trader's data, never in it: each run makes its own database there.
    server_settings = settings if settings.database_url else settings.model_copy(
        update={"data_dir": settings.data_dir / "evals"})
    started = time.perf_counter()
    server = open_database(server_settings)
    try:
        runs, scores = asyncio.run(_run(settings, server, cases, trials))
    finally:
        server.close()
    meta = {"model": model, "trials": trials, "cases": len(cases), "ci_only": ci, "commit": _commit(),
            "seconds": round(time.perf_counter() - started, 1), "dataset": str(dataset) if dataset else None}
    results = build_results(meta, runs, scores)
    comparison = write_report(out, results, previous)
    print(suite_table(results))  # plain: a markdown table that must not wrap
    if comparison is not None:
        console.print(f"against the previous run: {len(comparison['regressions'])} regression(s) "
                      f"{comparison['regressions'][:10]}, {len(comparison['fixes'])} fix(es)", markup=False)
    console.print(f"results: {out / 'results.json'}  report: {out / 'report.html'}", markup=False)
    if baseline:
        write_baseline(results)
        console.print("wrote evals/baseline.json")
    if gate:
        failures = check_gate(results)
        for failure in failures:
            console.print(f"gate: {failure}", markup=False)
        if failures:
            raise typer.Exit(1)


async def _run(settings, server, cases, trials):  # noqa: ANN001, ANN202 - typed in evals.run
    from evals.world import open_world

    suites = sorted({c.suite for c in cases})
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as bar:
        tasks = {s: bar.add_task(s, total=sum(c.suite == s for c in cases)) for s in suites}
        async with open_world(settings, server) as world:
            return await run_all(world, cases, trials, progress=lambda case: bar.advance(tasks[case.suite]))


if __name__ == "__main__":
    sys.exit(app())
