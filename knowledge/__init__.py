"""The knowledge base: the corpus (markdown with front matter, in docs/), its
store in PostgreSQL (pgvector HNSW + full text, fused by reciprocal rank), the
retriever, incremental indexing, and explanations of a trader's own history.

Imports quantdesk/ (database, audit trail, venue records), never agent/ or tools/.
"""

from knowledge._answer import extractive_answer, not_indexed, passages
from knowledge._chunk import Chunk, chunk_doc
from knowledge._corpus import TOPICS, Doc, DocFormatError, load_docs, parse_doc
from knowledge._embed import DIM, Embedder, OnnxEmbedder, OpenAICompatibleEmbedder
from knowledge._errors import CorpusError, EmbeddingError, KnowledgeError
from knowledge._explain import Explainer, Explanation
from knowledge._files import DEFAULT_CORPUS, SourceDoc, load_source, scan_corpus
from knowledge._index import IndexPlan, IndexReport, index_corpus, plan
from knowledge._retriever import Retriever
from knowledge._setup import Knowledge, embedder_from_settings, open_knowledge
from knowledge._query import SearchMode
from knowledge._store import Hit, KnowledgeStore
from knowledge._trail import EventNotFound, Trail, Which

__all__ = [
    "DEFAULT_CORPUS", "DIM", "TOPICS", "Chunk", "CorpusError", "Doc", "DocFormatError", "Embedder",
    "EmbeddingError", "EventNotFound", "Explainer", "Explanation", "Hit", "IndexPlan", "IndexReport", "Knowledge",
    "KnowledgeError", "KnowledgeStore", "OnnxEmbedder", "OpenAICompatibleEmbedder", "Retriever", "SearchMode",
    "SourceDoc", "Trail", "Which", "chunk_doc", "embedder_from_settings", "extractive_answer", "index_corpus",
    "load_docs", "load_source", "not_indexed", "open_knowledge", "parse_doc", "passages", "plan", "scan_corpus",
]
