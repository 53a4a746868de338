"""The knowledge base's errors (under :class:`quantdesk.errors.QuantDeskError`)."""

from __future__ import annotations

from quantdesk.errors import QuantDeskError

__all__ = ["CorpusError", "EmbeddingError", "KnowledgeError"]


class KnowledgeError(QuantDeskError):
    """The knowledge base cannot answer: not indexed, misconfigured, or unreachable."""


class CorpusError(KnowledgeError):
    """A corpus document is malformed (front matter, topic); the message names the file."""


class EmbeddingError(KnowledgeError):
    """The embedder failed: a missing model file, or an embedding API's refusal."""
