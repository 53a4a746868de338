"""The trader docs follow the corpus conventions the store and its citations rely on."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest

from knowledge import DOCS_DIR, TOPICS, DocFormatError, load_docs, parse_doc

DOCS = load_docs(DOCS_DIR)
MIN_DOCS = 40


def test_there_are_at_least_forty_docs() -> None:
    assert len(DOCS) >= MIN_DOCS


def test_only_markdown_docs_live_in_the_docs_folder() -> None:
    assert sorted(p.name for p in DOCS_DIR.iterdir()) == sorted(d.doc_id for d in DOCS)


def test_file_names_are_flat_lowercase_hyphen_slugs() -> None:
    bad = [d.doc_id for d in DOCS if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*\.md", d.doc_id)]
    assert bad == []


def test_front_matter_is_complete_and_valid() -> None:
    for doc in DOCS:
        assert doc.topic in TOPICS, doc.doc_id
        assert doc.version == "0.1", doc.doc_id
        assert isinstance(doc.updated, date), doc.doc_id
        assert doc.title.strip() == doc.title and doc.title, doc.doc_id


def test_every_topic_has_a_doc() -> None:
    assert {d.topic for d in DOCS} == TOPICS


def test_titles_are_unique() -> None:
    assert [t for t, n in Counter(d.title for d in DOCS).items() if n > 1] == []


def test_headings_are_unique_within_a_doc_so_citations_are_unambiguous() -> None:
    for doc in DOCS:
        repeated = [h for h, n in Counter(s.heading for s in doc.sections).items() if n > 1]
        assert repeated == [], doc.doc_id


def test_no_section_is_empty() -> None:
    empty = [(d.doc_id, s.heading) for d in DOCS for s in d.sections if not s.body.strip()
             and not _has_subsection(d, s)]
    assert empty == []


def _has_subsection(doc, section) -> bool:  # noqa: ANN001 - Doc, Section
    i = doc.sections.index(section)
    return i + 1 < len(doc.sections) and doc.sections[i + 1].level > section.level


def test_hand_written_sections_are_short_enough_to_cite() -> None:
    # Generated tables (the error list) may be longer; the prose around them may not.
    def prose(body: str) -> str:
        return re.sub(r"<!-- generated:.*?<!-- /generated -->", "", body, flags=re.DOTALL)

    long = [(d.doc_id, s.heading, len(prose(s.body))) for d in DOCS for s in d.sections if len(prose(s.body)) > 2_500]
    assert long == []


def test_headings_go_down_one_level_at_a_time() -> None:
    for doc in DOCS:
        levels = [s.level for s in doc.sections]
        assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), doc.doc_id


def test_every_doc_a_doc_mentions_exists() -> None:
    names = {d.doc_id for d in DOCS}
    for doc in DOCS:
        for section in doc.sections:
            missing = set(re.findall(r"`([a-z0-9-]+\.md)`", section.body)) - names
            assert missing == set(), f"{doc.doc_id} § {section.heading}"


def test_generated_blocks_are_filled() -> None:
    for path in DOCS_DIR.glob("*.md"):
        assert "-->\n<!-- /generated -->" not in path.read_text(), path.name


@pytest.mark.parametrize("text, problem", [
    ("# T\n", "no front matter"),
    ("---\ntitle: T\ntopic: markets\nversion: \"0.1\"\n---\n# T\n", "exactly"),
    ("---\ntitle: T\ntopic: cooking\nversion: \"0.1\"\nupdated: 2026-12-01\n---\n# T\n", "topic"),
    ("---\ntitle: T\ntopic: markets\nversion: 0.1\nupdated: 2026-12-01\n---\n# T\n", "version"),
    ("---\ntitle: T\ntopic: markets\nversion: \"0.1\"\nupdated: soon\n---\n# T\n", "ISO date"),
    ("---\ntitle: T\ntopic: markets\nversion: \"0.1\"\nupdated: 2026-12-01\n---\n# Other\n", "title"),
])
def test_a_malformed_doc_is_refused_with_the_reason(text: str, problem: str) -> None:
    with pytest.raises(DocFormatError, match=problem):
        parse_doc("x.md", text)
