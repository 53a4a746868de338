"""Free-form read-only questions -> the tool that answers them.

Behind the grammar: when the parser does not understand a message, the labelled example
phrasings (``examples.jsonl``, data, not code) in the shipped MiniLM embedding space decide
which read-only tool answers it: the nearest intent centroid (the mean of an intent's
examples) wins ("what have I got
on right now" -> get_positions). Below the confidence threshold, or nearest to ``none``
(open questions the offline model cannot answer), nothing is called. Only read-only
tools can be chosen here, so a paraphrase can never prepare a ticket; a quote's numbers
come from the trader's own words exactly as typed, and a missing market or size is asked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Protocol

import numpy as np

from agent.intents._args import arguments_for

__all__ = ["EXAMPLES_FILE", "THRESHOLD", "Embedder", "Intent", "IntentClassifier", "arguments_for", "load_examples"]

EXAMPLES_FILE: Final = Path(__file__).resolve().parent / "examples.jsonl"
# Chosen on the examples' own leave-one-out accuracy (152 examples, 12 intents): the nearest
# centroid scored 0.60 at a 0.40 cosine floor with 26 wrong reads, against 0.51 and 31 wrong for
# a 3-nearest-neighbour vote; a lower floor (0.35: 0.65, 32 wrong) trades wrong reads for fewer misses.
# With 180 examples (paraphrases of every read added) the same floor scores 0.67 leave-one-out.
THRESHOLD: Final = 0.40


class Embedder(Protocol):
    def embed(self, texts: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class Intent:
    name: str
    score: float


class IntentClassifier:
    """Nearest intent centroid over the labelled examples (embedded once, lazily)."""

    def __init__(self, embedder: Embedder, examples: list[tuple[str, str]] | None = None) -> None:
        self._embedder = embedder
        self._examples = examples if examples is not None else load_examples()
        self._labels = sorted({label for _, label in self._examples})
        self._centroids: np.ndarray | None = None

    def _centroid_matrix(self) -> np.ndarray:
        if self._centroids is None:
            vectors = self._embedder.embed([text for text, _ in self._examples])
            labels = np.array([label for _, label in self._examples])
            means = np.stack([vectors[labels == label].mean(axis=0) for label in self._labels])
            self._centroids = means / np.linalg.norm(means, axis=1, keepdims=True)
        return self._centroids

    def classify(self, text: str) -> Intent | None:
        """The intent of ``text``, or None when none is near enough (or the nearest is ``none``)."""
        sims = self._centroid_matrix() @ self._embedder.embed([text])[0]
        best = int(np.argmax(sims))
        name, score = self._labels[best], float(sims[best])
        if name == "none" or score < THRESHOLD:
            return None
        return Intent(name, score)


def load_examples(path: Path = EXAMPLES_FILE) -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [(row["text"], row["intent"]) for row in rows]
