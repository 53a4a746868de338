"""Incremental indexing by content hash: idempotent, a changed file re-embeds only
its changed chunks, a removed file takes its chunks with it, a new model
re-embeds everything, and `quantdesk run`'s start-up task only checks hashes
when nothing changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from knowledge import DocFormatError, KnowledgeStore, OnnxEmbedder, index_corpus, plan, startup
from quantdesk.db import Database
from tests.conftest import make_settings
from tests.knowledge.conftest import FIXTURE_DOCS, Write, doc_text


def _rows(db: Database) -> dict[tuple[str, int], tuple]:
    with db.pool.connection() as conn:
        rows = conn.execute("SELECT doc_id, ord, id, content_hash, indexed_at FROM knowledge_chunks").fetchall()
    return {(r[0], r[1]): r[2:] for r in rows}


def _index(store: KnowledgeStore, embedder: OnnxEmbedder, root: Path):  # noqa: ANN202
    return index_corpus(store, embedder, plan(store, root, embedder.name))


def test_indexing_twice_changes_nothing_the_second_time(store: KnowledgeStore, embedder: OnnxEmbedder,
                                                        write_corpus: Write, fresh_database: Database) -> None:
    root = write_corpus()
    first = _index(store, embedder, root)
    assert sorted(first.added) == sorted(FIXTURE_DOCS) and first.chunks_embedded == 6
    before = _rows(fresh_database)
    assert plan(store, root, embedder.name).up_to_date
    second = _index(store, embedder, root)
    assert (second.added, second.changed, second.removed, second.chunks_embedded) == ([], [], [], 0)
    assert second.unchanged == 3 and _rows(fresh_database) == before


def test_a_changed_file_re_embeds_only_its_changed_chunks(store: KnowledgeStore, embedder: OnnxEmbedder,
                                                          write_corpus: Write, fresh_database: Database) -> None:
    root = write_corpus()
    _index(store, embedder, root)
    before = _rows(fresh_database)
    edited = FIXTURE_DOCS["funding.md"].replace("capped at 0.01 % per hour", "capped at 0.02 % per hour")
    (root / "funding.md").write_text(edited, encoding="utf-8")
    report = _index(store, embedder, root)
    assert report.changed == ["funding.md"] and report.unchanged == 2
    assert (report.chunks_embedded, report.chunks_reused) == (1, 1)  # "Who pays" only
    after = _rows(fresh_database)
    others = {key: row for key, row in before.items() if key[0] != "funding.md"}
    assert {key: after[key] for key in others} == others, "other documents' rows are untouched"
    assert after[("funding.md", 1)][1] != before[("funding.md", 1)][1]
    assert after[("funding.md", 0)][1] == before[("funding.md", 0)][1]
    hits = store.search("who pays funding", embedder.embed(["who pays funding"])[0], embedder.name, k=6)
    assert "0.02 %" in next(h.text for h in hits if h.heading == "Who pays")


def test_a_removed_file_removes_its_chunks(store: KnowledgeStore, embedder: OnnxEmbedder, write_corpus: Write,
                                           fresh_database: Database) -> None:
    root = write_corpus()
    _index(store, embedder, root)
    (root / "liquidation.md").unlink()
    report = _index(store, embedder, root)
    assert report.removed == ["liquidation.md"] and report.chunks_embedded == 0
    assert not any(doc == "liquidation.md" for doc, _ord in _rows(fresh_database))
    assert "liquidation.md" not in store.documents()


def test_another_model_re_embeds_everything(store: KnowledgeStore, embedder: OnnxEmbedder,
                                            write_corpus: Write) -> None:
    root = write_corpus()
    _index(store, embedder, root)
    int8 = OnnxEmbedder("int8")
    report = _index(store, int8, root)
    assert sorted(report.changed) == sorted(FIXTURE_DOCS) and report.chunks_embedded == 6
    assert {r.embed_model for r in store.documents().values()} == {int8.name}


def test_a_malformed_file_stops_the_run_before_anything_is_written(store: KnowledgeStore, embedder: OnnxEmbedder,
                                                                    write_corpus: Write) -> None:
    root = write_corpus()
    (root / "broken.md").write_text(doc_text("Broken", "weather", "# Broken\n\ntext"), encoding="utf-8")
    with pytest.raises(DocFormatError, match="broken.md: topic 'weather'"):
        _index(store, embedder, root)
    assert store.documents() == {} and store.count_chunks() == 0


def test_the_start_up_task_embeds_with_progress_then_only_checks_hashes(fresh_database: Database,
                                                                        write_corpus: Write, tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", knowledge_dir=write_corpus())
    first = Console(record=True, width=120)
    startup(settings, fresh_database, first)
    shown = first.export_text()
    assert "embedding chunks" in shown and "6/6" in shown
    assert "knowledge base indexed: 3 added, 0 changed, 0 removed, 0 unchanged; 6 chunks embedded" in shown
    again = Console(record=True, width=120)
    startup(settings, fresh_database, again)
    assert again.export_text().strip() == "knowledge: knowledge base up to date (3 documents)"
