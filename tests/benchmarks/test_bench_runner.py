"""`make bench`'s runner executes benchmark modules and prints one table of numbers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def test_runner_prints_a_table_of_measured_rows(tmp_path: Path) -> None:
    out_json = tmp_path / "latest.json"
    out = subprocess.run([sys.executable, "benchmarks/run.py", "--quick", "--only", "bench_db",
                          "--json-out", str(out_json)], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "QuantDesk benchmarks" in out.stdout
    assert "pooled SELECT 1 p99" in out.stdout
    rows = json.loads(out_json.read_text())["rows"]
    assert {r["metric"] for r in rows} >= {"embedded start, warm (existing data)", "pooled SELECT 1 p50"}
    assert all(isinstance(r["value"], float) and r["value"] > 0 for r in rows)


def test_runner_fails_when_no_benchmark_matches(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "benchmarks/run.py", "--only", "no-such-bench",
                          "--json-out", str(tmp_path / "x.json")], cwd=REPO, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 1 and "no benchmarks found" in out.stdout
