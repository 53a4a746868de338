"""MIKEY's eval harness: cases in JSONL (evals/datasets), run against the real agent,
scored (ragas where it has the metric, ours where it has none), reported and gated.

`python -m evals run --suite all` (or `make eval`); see evals/README.md."""

import os

# ragas reports usage to its authors unless told not to; evals run offline.
os.environ.setdefault("RAGAS_DO_NOT_TRACK", "true")

__all__: list[str] = []  # the harness runs as `python -m evals`; nothing is imported from here
