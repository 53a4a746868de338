"""The retrieval question set (evals/datasets/knowledge_questions.jsonl): enough
questions, every topic covered, and each expected doc and heading exists."""

from __future__ import annotations

import json
import re
from pathlib import Path

from knowledge import DOCS_DIR, TOPICS, load_docs

QUESTIONS = Path(__file__).resolve().parents[2] / "evals" / "datasets" / "knowledge_questions.jsonl"
ROWS = [json.loads(line) for line in QUESTIONS.read_text().splitlines() if line.strip()]
DOCS = {d.doc_id: d for d in load_docs(DOCS_DIR)}


def test_there_are_at_least_sixty_questions() -> None:
    assert len(ROWS) >= 60


def test_every_row_has_exactly_the_fields_and_a_unique_id() -> None:
    for row in ROWS:
        assert set(row) == {"id", "question", "doc", "heading", "category"}, row
        assert row["question"].strip(), row
    ids = [r["id"] for r in ROWS]
    assert len(ids) == len(set(ids)) and ids == [f"kq-{i:03d}" for i in range(1, len(ids) + 1)]


def test_every_expected_doc_and_heading_exists() -> None:
    for row in ROWS:
        assert row["doc"] in DOCS, row
        assert row["heading"] in [s.heading for s in DOCS[row["doc"]].sections], row


def test_every_topic_is_asked_about() -> None:
    assert {r["category"] for r in ROWS} == TOPICS
    assert {DOCS[r["doc"]].topic for r in ROWS} == TOPICS


def _code_name(heading: str) -> bool:
    """A rule or error heading (max_leverage, SlippageExceeded (6021)): traders quote those names."""
    return "_" in heading or re.fullmatch(r"[A-Z][A-Za-z]+ \(\d+\)", heading) is not None


def test_questions_do_not_repeat_the_heading_they_target() -> None:
    # Paraphrased, not copied: a question that contains its section's heading tests little.
    copied = [r["id"] for r in ROWS if len(r["heading"]) > 12 and not _code_name(r["heading"])
              and r["heading"].lower() in r["question"].lower()]
    assert copied == []
