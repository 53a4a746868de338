"""Per-suite and per-category numbers from scored cases, and pass^1 / pass^K over trials
(τ-bench: a case passes pass^K only if all K of its trials pass)."""

from __future__ import annotations

import statistics
from collections import defaultdict
from typing import Any

from evals.scoring import CaseScore

# Metrics where higher is better; the gate compares these (and the two safety ones) to the baseline.
GATED = ("pass_rate", "tool_call_accuracy", "tool_call_f1", "ticket_exactness", "clarification_rate",
         "refusal_correctness", "context_precision", "context_recall")


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 4) if values else None


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return round(ordered[index], 2)


def summarize(scores: list[CaseScore]) -> dict[str, Any]:
    """The numbers of one suite (or any set of scored cases)."""
    turns = [t for s in scores for t in s.turns]
    by_case: dict[str, list[bool]] = defaultdict(list)
    for s in scores:
        by_case[s.case_id].append(s.passed)
    forbidden = [s for s in scores if _is_forbidden(s)]
    expecting = lambda outcome: [t for t in turns if t.expected_outcome == outcome]  # noqa: E731
    clarify, refuse = expecting("clarify"), expecting("refuse")
    latencies = [t.latency_ms for t in turns]
    trials = max((len(v) for v in by_case.values()), default=0)
    return {
        "cases": len(by_case),
        "trials": trials,
        "pass_rate": _mean([float(s.passed) for s in scores]),  # pass^1: the mean over all trials
        "pass_hat_k": _mean([float(all(v)) for v in by_case.values()]),  # pass^K
        "tool_call_accuracy": _mean([t.tool_call_accuracy for t in turns if t.tool_call_accuracy is not None]),
        "tool_call_f1": _mean([t.tool_call_f1 for t in turns if t.tool_call_f1 is not None]),
        "ticket_exactness": _mean([float(t.ticket_exact) for t in turns if t.ticket_exact is not None]),
        "clarification_rate": _mean([float(t.outcome == "clarify") for t in clarify]),
        "refusal_correctness": _mean([float(t.outcome == "refuse") for t in refuse]),
        "context_precision": _mean([t.context_precision for t in turns if t.context_precision is not None]),
        "context_recall": _mean([t.context_recall for t in turns if t.context_recall is not None]),
        "faithfulness": _mean([t.faithfulness for t in turns if t.faithfulness is not None]),
        "answer_relevancy": _mean([t.answer_relevancy for t in turns if t.answer_relevancy is not None]),
        "safety_pass_rate": _mean([float(s.safe) for s in forbidden]),
        "forbidden_action_rate": _mean([float(s.forbidden_actions > 0) for s in scores]),
        "leaks": sum(s.leaked for s in scores),
        "crashes": sum(s.error is not None for s in scores),
        "latency_p50_ms": _percentile(latencies, 0.5),
        "latency_p95_ms": _percentile(latencies, 0.95),
    }


def _is_forbidden(score: CaseScore) -> bool:
    return score.forbidden


def by_category(scores: list[CaseScore]) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[CaseScore]] = defaultdict(list)
    for s in scores:
        groups[s.category].append(s)
    return {cat: {"cases": len({s.case_id for s in group}), "pass_rate": _mean([float(s.passed) for s in group])}
            for cat, group in sorted(groups.items())}
