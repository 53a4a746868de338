"""Answer formatting, in one place: citations (``[liquidation.md § Formula]``),
the passages a language model reads (to quote and cite), and the extractive
answer the offline model gives (the most relevant sentences of the top chunks,
each quoted with its citation).

Retrieved text is always shown as quoted data (``> ``), never as MIKEY's own
words, so an instruction planted in a document reads as what it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from knowledge._store import Hit

__all__ = ["extractive_answer", "not_indexed", "passages", "quote", "sentences", "template"]

TEMPLATES = Path(__file__).resolve().parent / "templates"
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9`\[(\"'*])")
_WORD = re.compile(r"[a-z0-9_]+")
# Words that say nothing about which sentence answers (question scaffolding, very common words).
_STOP = frozenset("""a an the is are was were be been being am do does did doing have has had how what why when where
which who whom whose can could should would will shall may might must of to in on at by for with from about into
over under and or not no it its this that these those there here my me i you your we our they them their he she
his her as if so than then too very just also any all some much many more most such only own same happens
happen happened work works working mean means get got""".split())
_STEM_CHARS = 5  # crude stemming: "computed", "computes", "computation" share "compu"


@cache
def template(name: str) -> str:
    """The text of ``knowledge/templates/<name>.md`` (answer prose lives in files, reviewed like code)."""
    return (TEMPLATES / f"{name}.md").read_text(encoding="utf-8").strip()


def _stems(text: str) -> set[str]:
    return {w[:_STEM_CHARS] for w in _WORD.findall(text.lower()) if w not in _STOP}


def sentences(text: str) -> list[str]:
    """A chunk's sentences; list items, table rows and lines of code count as one each."""
    out: list[str] = []
    in_code = False
    for line in text.splitlines():
        if line.strip().startswith(("```", "~~~")):
            in_code = not in_code
            continue
        if in_code or not line.strip() or line.lstrip().startswith("|"):
            continue  # code and tables do not quote well as sentences
        out.extend(s.strip() for s in _SENTENCE.split(line.strip().removeprefix("- ").removeprefix("* ")))
    merged: list[str] = []
    for s in out:  # lines of one wrapped paragraph: join fragments that do not end a sentence
        if merged and not merged[-1].endswith((".", "!", "?", ":")):
            merged[-1] = f"{merged[-1]} {s}"
        else:
            merged.append(s)
    return [s for s in merged if s]


def quote(text: str, citation: str) -> str:
    return "> " + text.replace("\n", "\n> ") + f" {citation}"


def passages(query: str, hits: Sequence[Hit]) -> str:
    """What a language model reads: every chunk, quoted, with its citation and score."""
    blocks = [f"{i}. {hit.citation} (score {hit.score:.3f})\n{quote(hit.text, '')}".rstrip()
              for i, hit in enumerate(hits, 1)]
    return template("passages").format(query=query, passages="\n\n".join(blocks))


def _best_sentences(question: str, hit: Hit, limit: int) -> list[str]:
    wanted = _stems(question)
    found = sentences(hit.text)
    scored = sorted(range(len(found)), key=lambda i: (-len(_stems(found[i]) & wanted), i))
    chosen = sorted(i for i in scored[:limit] if len(_stems(found[i]) & wanted) > 0)
    return [found[i] for i in (chosen or range(min(1, len(found))))]


def not_indexed(question: str) -> str:
    """What a search says before the corpus has been indexed."""
    return template("not_indexed").format(question=question)


def extractive_answer(question: str, hits: Sequence[Hit], *, max_sentences: int = 3) -> str:
    """The offline answer: the top chunk's most relevant sentences (up to ``max_sentences``, in their
    order), then one from the next chunk of another section if it shares the question's words."""
    if not hits:
        return template("no_answer").format(question=question)
    top = hits[0]
    lines = [quote(" ".join(_best_sentences(question, top, max_sentences - 1)), top.citation)]
    for other in hits[1:]:
        if (other.doc_id, other.heading) != (top.doc_id, top.heading) and _stems(other.text) & _stems(question):
            lines.append(quote(" ".join(_best_sentences(question, other, 1)), other.citation))
            break
    sources = ", ".join(dict.fromkeys(hit.citation for hit in hits))
    return template("answer").format(quotes="\n".join(lines), sources=sources)
