"""Run every benchmark under benchmarks/ and print one table.

Each ``benchmarks/bench_*.py`` module exposes ``run(quick: bool) -> list[dict]``;
each dict is one measured row::

    {"benchmark": str, "metric": str, "value": float, "unit": str,
     "target": str, "ok": bool | None, "note": str}

``ok`` is None where there is no target. Results are also written as JSON to
``.data/bench/latest.json``. Exit code 1 if a benchmark crashed (a missed target
is reported in the table, not an error: numbers are for people).

    python benchmarks/run.py [--quick] [--only NAME]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
import traceback
from pathlib import Path

from rich.console import Console
from rich.table import Table

HERE = Path(__file__).resolve().parent
FIELDS = ("benchmark", "metric", "value", "unit", "target", "ok", "note")


def discover(only: str | None) -> list[Path]:
    files = sorted(HERE.glob("bench_*.py"))
    return [f for f in files if only is None or only in f.stem]


def load(path: Path):  # noqa: ANN201 - a module object
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


def validate(row: dict, source: str) -> dict:
    missing = [f for f in FIELDS if f not in row]
    if missing:
        raise ValueError(f"{source}: result row lacks {missing}")
    return {f: row[f] for f in FIELDS}


def render(rows: list[dict], console: Console) -> None:
    table = Table(title="QuantDesk benchmarks")
    for col, justify in (("benchmark", "left"), ("metric", "left"), ("value", "right"), ("unit", "left"),
                         ("target", "left"), ("ok", "center"), ("note", "left")):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for r in rows:
        ok = "" if r["ok"] is None else ("[green]yes[/]" if r["ok"] else "[red]no[/]")
        value = f"{r['value']:,.3f}" if isinstance(r["value"], float) else f"{r['value']:,}"
        table.add_row(r["benchmark"], r["metric"], value, r["unit"], r["target"], ok, r["note"])
    console.print(table)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs (for smoke tests)")
    parser.add_argument("--only", help="run benchmark files whose name contains this")
    parser.add_argument("--json-out", type=Path, default=Path(".data/bench/latest.json"))
    args = parser.parse_args(argv)
    console = Console(width=None if sys.stdout.isatty() else 150)
    rows: list[dict] = []
    failed: list[str] = []
    files = discover(args.only)
    if not files:
        console.print("[red]no benchmarks found[/]")
        return 1
    for path in files:
        console.print(f"[bold]running[/] {path.stem} ...")
        started = time.perf_counter()
        try:
            rows.extend(validate(r, path.stem) for r in load(path).run(quick=args.quick))
        except Exception:  # a crashed benchmark is reported and the rest still run
            failed.append(path.stem)
            console.print(f"[red]{path.stem} crashed[/]\n{traceback.format_exc()}")
        console.print(f"  done in {time.perf_counter() - started:.1f}s")
    render(rows, console)
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps({"rows": rows, "failed": failed}, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
