"""Retrieval quality on a question set (``evals/datasets/knowledge_questions.jsonl``):
each question's expected document and heading, and where the retriever ranks it.

A hit is a chunk of the expected document whose heading path contains the expected
heading (a question about a ``##`` section is answered by its ``###`` chunks too).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from knowledge._query import SearchMode
from knowledge._retriever import Retriever

__all__ = ["QUESTIONS", "Question", "RetrievalScore", "evaluate", "load_questions"]

QUESTIONS = Path(__file__).resolve().parents[1] / "evals" / "datasets" / "knowledge_questions.jsonl"


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    doc: str
    heading: str
    category: str


@dataclass(frozen=True)
class RetrievalScore:
    mode: str
    k: int
    questions: int
    hit_at_k: float  # expected doc and heading among the top k
    doc_hit_at_k: float  # expected doc among the top k
    mrr: float  # mean reciprocal rank of the first hit (0 when not in the top k)
    misses: tuple[str, ...]  # ids of the questions without a hit

    def describe(self) -> str:
        return (f"{self.mode}: hit@{self.k} {self.hit_at_k:.3f}, doc hit@{self.k} {self.doc_hit_at_k:.3f}, "
                f"MRR {self.mrr:.3f} over {self.questions} questions")


def load_questions(path: Path = QUESTIONS) -> list[Question]:
    return [Question(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(retriever: Retriever, questions: Sequence[Question], *, mode: SearchMode = "hybrid",
             k: int = 5) -> RetrievalScore:
    hits = doc_hits = 0
    reciprocal = 0.0
    misses = []
    for q in questions:
        found = retriever.search(q.question, k=k, mode=mode)
        rank = next((i for i, h in enumerate(found, 1) if h.doc_id == q.doc and q.heading in h.heading_path), None)
        doc_hits += any(h.doc_id == q.doc for h in found)
        if rank is None:
            misses.append(q.id)
        else:
            hits += 1
            reciprocal += 1 / rank
    n = len(questions)
    return RetrievalScore(mode, k, n, hits / n, doc_hits / n, reciprocal / n, tuple(misses))
