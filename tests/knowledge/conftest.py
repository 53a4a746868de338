"""Worlds for knowledge tests: the packaged embedding model (loaded once per
session), small corpora written as files, and stores on real PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from knowledge import KnowledgeStore, OnnxEmbedder, Retriever, index_corpus, plan
from quantdesk.db import Database

Write = Callable[..., Path]


@pytest.fixture(scope="session")
def embedder() -> OnnxEmbedder:
    """The shipped model, as the product uses it (one load per test session)."""
    return OnnxEmbedder("fp32")


def doc_text(title: str, topic: str, body: str, version: str = "0.1") -> str:
    return f"---\ntitle: {title}\ntopic: {topic}\nversion: \"{version}\"\nupdated: 2026-12-01\n---\n\n{body.strip()}\n"


FIXTURE_DOCS = {
    "liquidation.md": doc_text("Liquidation", "liquidation", """
# Liquidation

A position is liquidated when its equity falls below the maintenance margin.

## Formula

The liquidation price of a long is the price at which equity equals maintenance margin: entry price
minus (margin minus maintenance) divided by size. A short's liquidation price is above its entry.

## What a keeper does

A keeper closes the whole position at the oracle price and charges the liquidation fee.
"""),
    "funding.md": doc_text("Funding", "funding", """
# Funding

Funding is paid every hour between longs and shorts, by the open-interest imbalance.

## Who pays

When longs outnumber shorts, longs pay shorts; the rate is capped at 0.01 % per hour.
"""),
    "risk-rules.md": doc_text("Risk rules", "risk", """
# Risk rules

## max_leverage

The highest leverage you may use: the lower of your own limit and the market's maximum.

What to do: choose a lower leverage, e.g. `long 2 SOL 5x`.
"""),
}


@pytest.fixture
def write_corpus(tmp_path: Path) -> Write:
    """Write ``docs`` (file name -> text) into a corpus folder and return it."""
    root = tmp_path / "corpus"
    root.mkdir()

    def write(docs: dict[str, str] | None = None) -> Path:
        for name, text in (FIXTURE_DOCS if docs is None else docs).items():
            (root / name).write_text(text, encoding="utf-8")
        return root

    return write


@pytest.fixture
def store(fresh_database: Database) -> Iterator[KnowledgeStore]:
    yield KnowledgeStore(fresh_database.pool)


@pytest.fixture
def fixture_retriever(store: KnowledgeStore, embedder: OnnxEmbedder, write_corpus: Write) -> Retriever:
    root = write_corpus()
    index_corpus(store, embedder, plan(store, root, embedder.name))
    return Retriever(store, embedder)


# --- the real corpus, indexed once per session --------------------------------------------------
def _database_named(server: Database, name: str) -> Database:
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    params = conninfo_to_dict(server.url)
    params["dbname"] = name
    return Database(kind="external", _url=make_conninfo(**params), pool_max=5)


def _create(server: Database, name: str, template: str | None = None) -> Database:
    with server.connect(autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return _database_named(server, name)


def _drop(server: Database, db: Database) -> None:
    name = db.url.rsplit("dbname=", 1)[-1].split()[0]
    db.close()
    with server.connect(autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def corpus_template(database: Database, embedder: OnnxEmbedder) -> Iterator[str]:
    """A database holding the real corpus (knowledge/docs), indexed once; tests copy it (CREATE DATABASE
    ... TEMPLATE), so each gets the indexed corpus without embedding it again."""
    import uuid

    from knowledge import DEFAULT_CORPUS
    from quantdesk.db import migrate

    name = f"kb_{uuid.uuid4().hex[:12]}"
    db = _create(database, name)
    migrate(db)
    store = KnowledgeStore(db.pool)
    index_corpus(store, embedder, plan(store, DEFAULT_CORPUS, embedder.name))
    db.close()  # a template must have no open connections when it is copied
    try:
        yield name
    finally:
        _drop(database, _database_named(database, name))


def copy_of_corpus(database: Database, template: str) -> Database:
    import uuid

    return _create(database, f"t_{uuid.uuid4().hex[:12]}", template)


@pytest.fixture(scope="session")
def corpus_db(database: Database, corpus_template: str) -> Iterator[Database]:
    """A read-only copy of the indexed corpus shared by the retrieval tests."""
    db = copy_of_corpus(database, corpus_template)
    try:
        yield db
    finally:
        _drop(database, db)


@pytest.fixture(scope="session")
def corpus_retriever(corpus_db: Database, embedder: OnnxEmbedder) -> Retriever:
    return Retriever(KnowledgeStore(corpus_db.pool), embedder)
