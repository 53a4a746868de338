"""Choosing cases and running them: suites or any JSONL file, K trials each, scored."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from evals.cases import DATASETS, SUITE_FILES, Case, Expect, Turn, load_cases, suite_cases
from evals.runner import CaseRun, run_case
from evals.scoring import CaseScore, score_case
from evals.world import EvalWorld

SUITES = tuple(SUITE_FILES)
KNOWLEDGE_QUESTIONS = DATASETS / "knowledge_questions.jsonl"
_KQ_CI_EVERY = 6  # one knowledge question in six is in the fast subset


def knowledge_question_cases() -> list[Case]:
    """The knowledge issue's question set (question → doc and heading) as cases: the
    answer must cite that doc's heading."""
    cases = []
    for number, line in enumerate(KNOWLEDGE_QUESTIONS.read_text().splitlines()):
        if not line.strip():
            continue
        q = json.loads(line)
        expect = Expect(outcome="answer", sources=(f"{q['doc']}#{q['heading']}",))
        cases.append(Case(id=q["id"], suite="knowledge", category=q.get("category", "docs"),
                          turns=(Turn(user=q["question"], expect=expect),), ci=number % _KQ_CI_EVERY == 0,
                          notes="knowledge_questions.jsonl"))
    return cases


def select(suites: list[str], dataset: Path | None = None, ci_only: bool = False) -> list[Case]:
    if dataset is not None:
        cases = load_cases(dataset)
    else:
        cases = []
        for suite in suites:
            if suite == "knowledge":
                cases += knowledge_question_cases()
            if (DATASETS / SUITE_FILES[suite]).exists():
                cases += suite_cases(suite)
    return [c for c in cases if c.ci] if ci_only else cases


async def run_all(world: EvalWorld, cases: list[Case], trials: int = 1,
                  progress: Callable[[Case], None] | None = None) -> tuple[list[CaseRun], list[CaseScore]]:
    runs: list[CaseRun] = []
    scores: list[CaseScore] = []
    for case in cases:
        for trial in range(1, trials + 1):
            run = await run_case(world, case, trial)
            runs.append(run)
            scores.append(await score_case(run, world.secret_forms(), world.judge))
        if progress is not None:
            progress(case)
    return runs, scores
