"""What a run leaves behind: ``results.json`` (every case with what MIKEY did and its
scores, aggregates per suite and category), ``report.md``, a self-contained
``report.html`` (plotly, its JavaScript inlined: opens offline), and the comparison
with a previous ``results.json`` (regressions and fixes)."""

from __future__ import annotations

import html
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from evals.aggregate import by_category, summarize
from evals.runner import CaseRun
from evals.scoring import CaseScore

TABLE_COLUMNS = (("cases", "cases"), ("pass_rate", "pass^1"), ("pass_hat_k", "pass^K"),
                 ("tool_call_accuracy", "tool acc"), ("tool_call_f1", "tool F1"), ("ticket_exactness", "ticket exact"),
                 ("clarification_rate", "clarify"), ("refusal_correctness", "refusal"),
                 ("context_precision", "ctx prec"), ("context_recall", "ctx recall"),
                 ("faithfulness", "faithful"), ("answer_relevancy", "relevancy"),
                 ("safety_pass_rate", "safety"), ("forbidden_action_rate", "forbidden"),
                 ("latency_p50_ms", "p50 ms"), ("latency_p95_ms", "p95 ms"))


def build_results(meta: dict[str, Any], runs: list[CaseRun], scores: list[CaseScore]) -> dict[str, Any]:
    suites = sorted({s.suite for s in scores})
    cases = []
    for run, score in zip(runs, scores, strict=True):
        cases.append({"id": score.case_id, "suite": score.suite, "category": score.category, "trial": score.trial,
                      "passed": score.passed, "safe": score.safe, "forbidden_actions": score.forbidden_actions,
                      "leaked": score.leaked, "error": score.error, "why": score.why,
                      "setup": [t.to_json() for t in run.setup],
                      "turns": [t.to_json() for t in run.turns],
                      "scores": [asdict(t) for t in score.turns]})
    return {
        "meta": meta,
        "suites": {suite: summarize([s for s in scores if s.suite == suite]) for suite in suites},
        "categories": {suite: by_category([s for s in scores if s.suite == suite]) for suite in suites},
        "cases": cases,
    }


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}" if value <= 1 else f"{value:.1f}"
    return str(value)


def suite_table(results: dict[str, Any]) -> str:
    head = "| suite | " + " | ".join(label for _, label in TABLE_COLUMNS) + " |"
    rule = "|---" * (len(TABLE_COLUMNS) + 1) + "|"
    rows = [f"| {suite} | " + " | ".join(_cell(numbers.get(key)) for key, _ in TABLE_COLUMNS) + " |"
            for suite, numbers in results["suites"].items()]
    return "\n".join([head, rule, *rows])


def compare(current: dict[str, Any], previous: dict[str, Any]) -> dict[str, Any]:
    """Metric deltas per suite, and cases that started failing (regressions) or passing (fixes)."""
    def passed(results: dict[str, Any]) -> dict[str, bool]:
        out: dict[str, bool] = {}
        for case in results["cases"]:
            out[case["id"]] = out.get(case["id"], True) and case["passed"]
        return out

    now, before = passed(current), passed(previous)
    deltas: dict[str, dict[str, float]] = {}
    for suite, numbers in current["suites"].items():
        old = previous.get("suites", {}).get(suite, {})
        moved = {k: round(v - old[k], 4) for k, v in numbers.items()
                 if isinstance(v, int | float) and isinstance(old.get(k), int | float) and v != old[k]}
        if moved:
            deltas[suite] = moved
    return {"regressions": sorted(c for c in now if c in before and before[c] and not now[c]),
            "fixes": sorted(c for c in now if c in before and not before[c] and now[c]),
            "new": sorted(c for c in now if c not in before), "deltas": deltas}


def _failures(results: dict[str, Any], limit: int = 60) -> list[dict[str, Any]]:
    return [c for c in results["cases"] if not c["passed"]][:limit]


def _did(case: dict[str, Any]) -> str:
    parts = []
    for turn in case["turns"]:
        calls = ", ".join(f"{c['name']}({json.dumps(c['args'], sort_keys=True)})" for c in turn["tool_calls"])
        reply = " ".join(turn["reply"].split())[:220]
        parts.append(f"{turn['text']!r} → {calls or 'no tool'}; {reply!r}")
    return " / ".join(parts)


def markdown(results: dict[str, Any], comparison: dict[str, Any] | None) -> str:
    meta = results["meta"]
    lines = [f"# MIKEY eval report: model `{meta['model']}`", "",
             f"{meta['cases']} cases × {meta['trials']} trial(s), {meta['seconds']:.0f} s, commit {meta['commit']}", "",
             suite_table(results), ""]
    for suite, cats in results["categories"].items():
        lines += [f"## {suite} by category", "", "| category | cases | pass^1 |", "|---|---|---|"]
        lines += [f"| {cat} | {v['cases']} | {_cell(v['pass_rate'])} |" for cat, v in cats.items()]
        lines.append("")
    if comparison is not None:
        lines += ["## Against the previous run", "",
                  f"Regressions ({len(comparison['regressions'])}): {', '.join(comparison['regressions']) or 'none'}",
                  "", f"Fixes ({len(comparison['fixes'])}): {', '.join(comparison['fixes']) or 'none'}", ""]
    failures = _failures(results)
    lines += ["## Failing cases", ""] if failures else []
    for case in failures:
        lines += [f"- **{case['id']}** ({case['suite']}/{case['category']}): {'; '.join(case['why'])}",
                  f"  - MIKEY: {_did(case)}"]
    return "\n".join(lines) + "\n"


def html_page(results: dict[str, Any], comparison: dict[str, Any] | None) -> str:
    import plotly.graph_objects as go
    from plotly.io import to_html

    suites = list(results["suites"])
    metrics = [("pass_rate", "pass^1"), ("tool_call_accuracy", "tool accuracy"), ("ticket_exactness", "ticket exact"),
               ("refusal_correctness", "refusal"), ("clarification_rate", "clarify"), ("safety_pass_rate", "safety")]
    per_suite = go.Figure([go.Bar(name=label, x=suites, y=[results["suites"][s].get(key) for s in suites])
                           for key, label in metrics])
    per_suite.update_layout(title="Scores per suite", barmode="group", yaxis_range=[0, 1])
    figures = [to_html(per_suite, full_html=False, include_plotlyjs="inline")]
    for suite, cats in results["categories"].items():
        fig = go.Figure(go.Bar(x=list(cats), y=[v["pass_rate"] for v in cats.values()]))
        fig.update_layout(title=f"{suite}: pass rate per category", yaxis_range=[0, 1])
        figures.append(to_html(fig, full_html=False, include_plotlyjs=False))
    md = html.escape(markdown(results, comparison))
    return ("<!doctype html><html><head><meta charset='utf-8'><title>MIKEY eval report</title>"
            "<style>body{font-family:sans-serif;margin:2em} pre{white-space:pre-wrap}</style></head><body>"
            + "".join(figures) + f"<pre>{md}</pre></body></html>")


def write_report(out: Path, results: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any] | None:
    out.mkdir(parents=True, exist_ok=True)
    comparison = None if previous is None else compare(results, previous)
    if comparison is not None:
        results["comparison"] = comparison
    (out / "results.json").write_text(json.dumps(results, indent=1, default=str))
    (out / "report.md").write_text(markdown(results, comparison))
    (out / "report.html").write_text(html_page(results, comparison))
    return comparison
