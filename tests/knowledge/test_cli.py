"""`quantdesk knowledge index` and `quantdesk knowledge search`, as a user runs them."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from psycopg.conninfo import conninfo_to_dict

from quantdesk.db import Database
from tests.knowledge.conftest import Write
from tests.quantdesk.cli.cli_helpers import quantdesk


def _url(db: Database) -> str:
    params = conninfo_to_dict(db.url)
    return f"postgresql://{params['user']}@/{params['dbname']}?host={quote(params['host'])}"


def test_index_shows_progress_then_is_up_to_date_and_search_cites(fresh_database: Database, write_corpus: Write,
                                                                  tmp_path: Path) -> None:
    env = {"DATABASE_URL": _url(fresh_database), "QUANTDESK_KNOWLEDGE_DIR": str(write_corpus()), "COLUMNS": "160"}
    first = quantdesk(tmp_path / "data", "knowledge", "index", **env)
    assert first.returncode == 0, first.stderr
    assert "embedding chunks" in first.stdout and "6/6" in first.stdout
    assert "3 added, 0 changed, 0 removed, 0 unchanged; 6 chunks embedded" in first.stdout
    again = quantdesk(tmp_path / "data", "knowledge", "index", **env)
    assert again.stdout.strip() == "knowledge base up to date (3 documents)" and "embedding" not in again.stdout
    found = quantdesk(tmp_path / "data", "knowledge", "search", "how is the liquidation price computed", **env)
    assert found.returncode == 0, found.stderr
    assert "1. [liquidation.md § Formula]" in found.stdout


def test_search_before_indexing_and_a_bad_topic_are_one_line_errors(fresh_database: Database,
                                                                   tmp_path: Path) -> None:
    env = {"DATABASE_URL": _url(fresh_database)}
    empty = quantdesk(tmp_path / "data", "knowledge", "search", "funding", **env)
    assert empty.returncode == 2
    assert empty.stderr.strip() == ("error: the knowledge base is not indexed yet; run `quantdesk knowledge index`")
    topic = quantdesk(tmp_path / "data", "knowledge", "search", "funding", "--topic", "weather", **env)
    assert topic.returncode == 2 and topic.stderr.startswith("error: unknown topic 'weather'; topics are account")
