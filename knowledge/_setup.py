"""Building the knowledge base's parts for a process, from the one settings object."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from knowledge._embed import Embedder, OnnxEmbedder, OpenAICompatibleEmbedder
from knowledge._errors import EmbeddingError
from knowledge._explain import Explainer
from knowledge._files import DEFAULT_CORPUS
from knowledge._retriever import Retriever
from knowledge._store import KnowledgeStore
from knowledge._trail import Trail
from quantdesk.config import Settings
from quantdesk.db import Database
from quantdesk.market import FeedRegistry

__all__ = ["Knowledge", "embedder_from_settings", "open_knowledge"]


def embedder_from_settings(settings: Settings) -> Embedder:
    if settings.embedder == "onnx":
        return OnnxEmbedder(settings.embed_model, threads=settings.embed_threads)
    if not settings.embed_api_url:
        raise EmbeddingError("QUANTDESK_EMBEDDER=api needs QUANTDESK_EMBED_API_URL (e.g. https://api.openai.com/v1)")
    key = settings.embed_api_key.get_secret_value() if settings.embed_api_key else None
    return OpenAICompatibleEmbedder(settings.embed_api_url, settings.embed_api_model, key)


@dataclass(frozen=True)
class Knowledge:
    corpus: Path
    store: KnowledgeStore
    embedder: Embedder
    retriever: Retriever
    explainer: Explainer


def open_knowledge(settings: Settings, db: Database, *, embedder: Embedder | None = None) -> Knowledge:
    """The store, retriever and explainer on ``db``; the model loads only when something is embedded."""
    store = KnowledgeStore(db.pool)
    embedder = embedder or embedder_from_settings(settings)
    retriever = Retriever(store, embedder)
    return Knowledge(settings.knowledge_dir or DEFAULT_CORPUS, store, embedder, retriever,
                     Explainer(Trail(db.pool, FeedRegistry.load()), retriever))
