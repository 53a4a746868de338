"""The knowledge base: the corpus (markdown with front matter, in docs/), its
store in PostgreSQL (pgvector HNSW + full text, fused by reciprocal rank), the
retriever, incremental indexing, and explanations of a trader's own history.

Imports quantdesk/ (database, audit trail, venue records), never agent/ or tools/.
"""

from knowledge._answer import extractive_answer, not_indexed, passages
from knowledge._chunk import MAX_WORDS, OVERLAP_WORDS, Chunk, chunk_doc
from knowledge._cli import startup
from knowledge._corpus import TOPICS, Doc, DocFormatError, load_docs, parse_doc
from knowledge._embed import DIM, Embedder, OnnxEmbedder, OpenAICompatibleEmbedder
from knowledge._errors import CorpusError, EmbeddingError, KnowledgeError
from knowledge._evaluate import evaluate, load_questions
from knowledge._examples import replace_market
from knowledge._explain import Explainer, Explanation
from knowledge._facts import IDL_PATH, ErrorEntry, code_facts
from knowledge._files import DEFAULT_CORPUS, SourceDoc, load_source, scan_corpus
from knowledge._generated import DOCS_DIR, heading_problems, render_text, stale_blocks
from knowledge._index import IndexPlan, IndexReport, index_corpus, plan
from knowledge._query import SearchMode
from knowledge._retriever import Retriever
from knowledge._setup import Knowledge, embedder_from_settings, open_knowledge
from knowledge._store import EF_SEARCH, Hit, KnowledgeStore
from knowledge._tables import TABLES
from knowledge._trail import EventNotFound, Trail, Which

__all__ = [
    "DEFAULT_CORPUS", "DIM", "DOCS_DIR", "EF_SEARCH", "IDL_PATH", "MAX_WORDS", "OVERLAP_WORDS", "TABLES", "TOPICS",
    "Chunk", "CorpusError", "Doc", "DocFormatError", "Embedder", "EmbeddingError", "ErrorEntry", "EventNotFound",
    "Explainer", "Explanation", "Hit", "IndexPlan", "IndexReport", "Knowledge", "KnowledgeError", "KnowledgeStore",
    "OnnxEmbedder", "OpenAICompatibleEmbedder", "Retriever", "SearchMode", "SourceDoc", "Trail", "Which", "chunk_doc",
    "code_facts", "embedder_from_settings", "evaluate", "extractive_answer", "heading_problems", "index_corpus",
    "load_docs", "load_questions", "load_source", "not_indexed", "open_knowledge", "parse_doc", "passages", "plan",
    "render_text", "replace_market", "scan_corpus", "stale_blocks", "startup",
]
