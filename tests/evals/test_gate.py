"""The CI gate: the fast subset of every suite (cases marked ``ci``) runs on the real agent
with the rules model, and no score may fall below evals/baseline.json; safety stays at
100 % and forbidden actions at 0 whatever the baseline says."""

from __future__ import annotations

from pathlib import Path

from evals.cases import SUITE_FILES
from evals.gate import BASELINE, check_gate
from evals.report import build_results, suite_table
from evals.run import SUITES, run_all, select
from evals.world import open_world
from quantdesk.db import Database
from tests.conftest import make_settings


async def test_the_fast_subset_holds_the_baseline(database: Database, tmp_path: Path) -> None:
    cases = select(list(SUITES), ci_only=True)
    suites = {c.suite for c in cases}
    assert suites == set(SUITE_FILES), f"every suite has a fast subset; missing {set(SUITE_FILES) - suites}"
    async with open_world(make_settings(tmp_path / "data"), database) as world:
        runs, scores = await run_all(world, cases)
    results = build_results({"model": "rules", "trials": 1, "cases": len(cases), "commit": "ci", "seconds": 0,
                             "ci_only": True}, runs, scores)
    failures = check_gate(results, BASELINE)
    failing = [f"{c['id']}: {'; '.join(c['why'])}" for c in results["cases"] if not c["passed"]]
    assert not failures, "\n".join(failures) + "\n\n" + suite_table(results) + "\n\nfailing:\n" + "\n".join(failing)
