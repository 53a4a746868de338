"""The hybrid search query: its SQL, and what a question contributes to it.

Hybrid search is the shape of pgvector-python's ``examples/hybrid_search/rrf.py``:
ranked candidate lists fused by reciprocal rank, ``1/(k + rank)`` summed over the
lists (k = 60, the constant of Cormack et al.'s RRF paper):

* semantic: the nearest chunks by cosine distance (HNSW);
* full text: chunks matching any of the question's words (an OR query: a question
  in prose rarely has every word in one chunk, so ``plainto_tsquery``'s AND finds
  nothing for most), ranked by ``ts_rank`` (headings weigh more than body text);
  trader shorthand ("liq", "lev") also matches the docs' words (synonyms.txt);
* exact: the entry whose heading begins with an error, rule or code the question
  names (``InitialMarginViolated``, ``max_leverage``, ``6009``), which words alone
  rank poorly because every error entry shares the same vocabulary.

Ranking every chunk that shares one common word with the question costs time in
proportion to how many do; so the match uses the question's rarest words, adding
words from the rarest up while the chunks they match stay within
:data:`MATCH_BUDGET` (or both of the two rarest, when even the rarest is too common),
and ranks those by all the words. On the corpus itself every word fits the budget;
at 100,000 chunks it bounds the work (benchmarks/bench_knowledge.py).

``vector`` mode is the semantic list alone, ``keyword`` the full-text and exact
lists. Topic and version filter every list.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Literal

__all__ = ["MATCH_BUDGET", "QUERIES", "RRF_K", "SearchMode", "codes", "match_terms", "words"]

SearchMode = Literal["hybrid", "vector", "keyword"]
RRF_K = 60
MATCH_BUDGET = 1_000
_WORD = re.compile(r"[A-Za-z0-9]+")
_TOKEN = re.compile(r"[A-Za-z0-9_]+")
_MAX_WORDS = 32

_FILTERS = "(%(topic)s::text IS NULL OR topic = %(topic)s) AND (%(version)s::text IS NULL OR version = %(version)s)"
_SQL = {
    "semantic": f"""
        SELECT id, row_number() OVER (ORDER BY embedding <=> %(vector)s) AS rank,
               1 - (embedding <=> %(vector)s) AS score
        FROM knowledge_chunks WHERE embed_model = %(model)s AND {_FILTERS}
        ORDER BY embedding <=> %(vector)s LIMIT %(candidates)s""",
    "keyword": f"""
        SELECT id, row_number() OVER (ORDER BY ts_rank(tsv, ranked) DESC, id) AS rank, ts_rank(tsv, ranked) AS score
        FROM knowledge_chunks, to_tsquery('simple', %(match)s) matched, to_tsquery('simple', %(rank)s) ranked
        WHERE tsv @@ matched AND {_FILTERS}
        ORDER BY ts_rank(tsv, ranked) DESC, id LIMIT %(candidates)s""",
    "exact": f"""
        SELECT id, row_number() OVER (ORDER BY doc_id, ord) AS rank, 1.0 AS score
        FROM knowledge_chunks WHERE (code = ANY(%(codes)s) OR code_number = ANY(%(numbers)s)) AND {_FILTERS}
        ORDER BY doc_id, ord LIMIT %(candidates)s""",
}
_LISTS: dict[SearchMode, tuple[str, ...]] = {"hybrid": ("semantic", "keyword", "exact"), "vector": ("semantic",),
                                             "keyword": ("keyword", "exact")}


def _query(mode: SearchMode) -> str:
    """The mode's lists fused by RRF; the vector mode keeps its cosine similarity as the score."""
    names = _LISTS[mode]
    ctes = ", ".join(f"{n} AS ({_SQL[n]})" for n in names)
    score = ("semantic.score" if names == ("semantic",)
             else " + ".join(f"COALESCE(1.0 / (%(rrf_k)s + {n}.rank), 0.0)" for n in names))
    ids = " UNION ".join(f"SELECT id FROM {n}" for n in names)
    joins = " ".join(f"LEFT JOIN {n} ON {n}.id = ids.id" for n in names)
    return (f"WITH {ctes}, ids AS ({ids}) SELECT c.doc_id, c.heading, c.heading_path, c.body, c.topic, c.version, "
            f"{score} AS score FROM ids {joins} JOIN knowledge_chunks c ON c.id = ids.id "
            "ORDER BY score DESC, c.id LIMIT %(k)s")


QUERIES: dict[SearchMode, str] = {mode: _query(mode) for mode in _LISTS}


@cache
def _synonyms() -> dict[str, str]:
    lines = (Path(__file__).resolve().parent / "synonyms.txt").read_text(encoding="utf-8").splitlines()
    pairs = (line.split(":", 1) for line in lines if line.strip() and not line.startswith("#"))
    return {word.strip().lower(): expansion.strip().lower() for word, expansion in pairs}


def words(question: str) -> str:
    """The question's words and, for its shorthand, the docs' words (only letters and digits)."""
    found = [w.lower() for w in _WORD.findall(question)][:_MAX_WORDS]
    return " ".join(dict.fromkeys([*found, *(x for w in found for x in _synonyms().get(w, "").split())]))


def match_terms(lexemes: Sequence[str], chunks_with: Mapping[str, int]) -> tuple[str, str]:
    """(the tsquery that selects chunks, the tsquery that ranks them). The ranking query is the OR of
    every known lexeme; the selection is the OR of the rarest ones within MATCH_BUDGET matched chunks,
    or, when even the rarest word is in more chunks than that, the AND of the two rarest."""
    known = sorted(dict.fromkeys(lx for lx in lexemes if chunks_with.get(lx)), key=lambda lx: chunks_with[lx])
    if not known:
        return "", ""
    if chunks_with[known[0]] > MATCH_BUDGET and len(known) > 1:
        return f"{_quote(known[0])} & {_quote(known[1])}", " | ".join(map(_quote, known))
    chosen, total = [known[0]], chunks_with[known[0]]
    for lexeme in known[1:]:
        total += chunks_with[lexeme]
        if total > MATCH_BUDGET:
            break
        chosen.append(lexeme)
    return " | ".join(map(_quote, chosen)), " | ".join(map(_quote, known))


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("'", "''") + "'"


def codes(question: str) -> tuple[list[str], list[int]]:
    """The codes a question names: error and rule names (CamelCase, snake_case) and program error
    numbers (6000-6099, shown as "(6023)" in headings)."""
    tokens = _TOKEN.findall(question)
    names = [t for t in tokens if "_" in t.strip("_") or re.search(r"[a-z][A-Z]", t)]
    return names, [int(t) for t in tokens if re.fullmatch(r"60\d\d", t)]
