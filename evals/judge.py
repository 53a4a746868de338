"""LLM-judged scores, only when a real model is configured: ragas' Faithfulness (are the
answer's claims supported by the passages MIKEY retrieved?) and AnswerRelevancy (does the
answer address the question?).

The judge speaks to an OpenAI-compatible endpoint (``QUANTDESK_LLM_BASE_URL`` and
``QUANTDESK_LLM_API_KEY``, as MIKEY's own model) through ragas' instructor LLM. Answer
relevancy's embeddings are the knowledge base's own (the shipped MiniLM, offline), behind
ragas' embedding interface, so no embeddings endpoint is needed.
"""

from __future__ import annotations

import asyncio
import warnings
from dataclasses import dataclass
from typing import Any

from knowledge import Embedder


def _ragas_embeddings(embedder: Embedder) -> Any:
    from ragas.embeddings.base import BaseRagasEmbedding

    class KnowledgeEmbeddings(BaseRagasEmbedding):
        """ragas' embedding interface over the knowledge base's embedder."""

        def embed_text(self, text: str, **_: Any) -> list[float]:
            return embedder.embed([text])[0].tolist()

        async def aembed_text(self, text: str, **_: Any) -> list[float]:
            return await asyncio.to_thread(self.embed_text, text)

        def embed_texts(self, texts: list[str], **_: Any) -> list[list[float]]:
            return embedder.embed(texts).tolist()

        async def aembed_texts(self, texts: list[str], **_: Any) -> list[list[float]]:
            return await asyncio.to_thread(self.embed_texts, texts)

    return KnowledgeEmbeddings()


@dataclass
class Judge:
    faithfulness: Any
    relevancy: Any

    @classmethod
    def open(cls, model: str, base_url: str | None, api_key: str | None, embedder: Embedder) -> Judge:
        """``model`` as MIKEY's (``openai:gpt-4o-mini`` or ``gpt-4o-mini``)."""
        from openai import AsyncOpenAI
        from ragas.llms.base import llm_factory
        from ragas.metrics.collections import AnswerRelevancy, Faithfulness

        client = AsyncOpenAI(base_url=base_url, api_key=api_key or "unset")
        llm = llm_factory(model.split(":", 1)[-1], client=client)
        return cls(Faithfulness(llm=llm), AnswerRelevancy(llm=llm, embeddings=_ragas_embeddings(embedder),
                                                          strictness=1))

    async def score(self, question: str, answer: str, contexts: list[str]) -> dict[str, float | None]:
        """Faithfulness needs passages to hold the answer against (None without); relevancy always."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            faithful = None
            if contexts:
                faithful = float((await self.faithfulness.ascore(user_input=question, response=answer,
                                                                 retrieved_contexts=contexts)).value)
            relevant = float((await self.relevancy.ascore(user_input=question, response=answer)).value)
        return {"faithfulness": faithful, "answer_relevancy": relevant}
