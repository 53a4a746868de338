"""Chunks: they follow headings (each keeps its heading path and a content hash),
long sections are cut between sentences with overlap, and nothing is lost."""

from __future__ import annotations

from knowledge import MAX_WORDS, OVERLAP_WORDS, chunk_doc, load_source
from tests.knowledge.conftest import FIXTURE_DOCS, Write, doc_text


def test_a_document_keeps_its_id_front_matter_and_hash(write_corpus: Write) -> None:
    root = write_corpus()
    source = load_source(root / "liquidation.md", root)
    doc = source.doc
    assert (doc.doc_id, doc.title, doc.topic, doc.version, doc.updated.isoformat()) == (
        "liquidation.md", "Liquidation", "liquidation", "0.1", "2026-12-01")
    assert source.path == "liquidation.md" and len(source.content_hash) == 64


def test_chunks_follow_headings_and_keep_the_heading_path(write_corpus: Write) -> None:
    root = write_corpus()
    chunks = chunk_doc(load_source(root / "liquidation.md", root))
    assert [c.heading_path for c in chunks] == [("Liquidation",), ("Liquidation", "Formula"),
                                                ("Liquidation", "What a keeper does")]
    formula = chunks[1]
    assert formula.heading == "Formula" and formula.body.startswith("The liquidation price of a long")
    assert formula.embed_text.startswith("Liquidation > Formula\n")
    assert len({c.content_hash for c in chunks}) == 3


def test_a_long_section_is_cut_between_sentences_with_overlap(write_corpus: Write) -> None:
    sentences = [f"Sentence {i} says something about margin and leverage in a few words." for i in range(60)]
    root = write_corpus({"long.md": doc_text("Long", "margin", "# Long\n\n## Part\n\n" + " ".join(sentences))})
    chunks = chunk_doc(load_source(root / "long.md", root))
    assert len(chunks) >= 4 and all(c.heading_path == ("Long", "Part") for c in chunks)
    assert all(len(c.body.split()) <= MAX_WORDS for c in chunks)
    for before, after in zip(chunks, chunks[1:], strict=False):
        tail, head = before.body.rstrip(".").split(". "), after.body.rstrip(".").split(". ")
        shared = max(n for n in range(len(head) + 1) if tail[len(tail) - n:] == head[:n])
        assert shared >= 1, "each chunk opens with the last sentences of the one before"
        assert sum(len(s.split()) for s in head[:shared]) <= OVERLAP_WORDS
    text = " ".join(c.body for c in chunks)
    assert all(s.rstrip(".") in text for s in sentences), "nothing is lost"


def test_a_hash_sign_inside_a_code_block_is_not_a_heading(write_corpus: Write) -> None:
    body = "# Doc\n\n## Commands\n\n```sh\n# not a heading\nquantdesk knowledge index\n```\n"
    root = write_corpus({"code.md": doc_text("Doc", "account", body)})
    chunks = chunk_doc(load_source(root / "code.md", root))
    assert [c.heading_path for c in chunks] == [("Doc", "Commands")]
    assert "# not a heading" in chunks[0].body


def test_every_fixture_document_is_read(write_corpus: Write) -> None:
    root = write_corpus()
    assert sorted(p.name for p in root.iterdir()) == sorted(FIXTURE_DOCS)
    assert all(chunk_doc(load_source(root / name, root)) for name in FIXTURE_DOCS)
