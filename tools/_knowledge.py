"""Knowledge tools: thin over knowledge/ (validate, call, format).

``search_knowledge`` returns the top chunks with doc, heading, score and text (the
model quotes and cites them) and, for the offline model, the extractive answer.
``explain_event`` explains one event of the caller's own history; the caller is
the ToolContext's user, never an argument.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from solders.pubkey import Pubkey

from knowledge import Explainer, Retriever, extractive_answer, not_indexed, passages
from tools._toolbox import Handler, ToolContext, ToolOutcome, by_tool, tool_handler
from tools.schemas import ExplainEventArgs, SearchKnowledgeArgs


def _unavailable(args: SearchKnowledgeArgs, _ctx: ToolContext) -> ToolOutcome:
    return ToolOutcome(f"No knowledge base is set up in this process, so nothing was found for {args.query!r}.",
                       {"query": args.query, "results": []})


@tool_handler
def search_knowledge(retriever: Retriever | None) -> Handler:
    """Search the knowledge base; without one (``None``) every search says so."""
    if retriever is None:
        return _unavailable
    store = retriever  # narrowed, for the closure

    def search(args: SearchKnowledgeArgs) -> ToolOutcome:
        if store.is_empty():
            text = not_indexed(args.query)
            return ToolOutcome(text, {"query": args.query, "results": [], "answer": text}, error=True)
        hits = store.search(args.query, k=args.k)
        results = [{"doc": h.doc_id, "heading": h.heading, "heading_path": list(h.heading_path),
                    "score": round(h.score, 4), "text": h.text, "citation": h.citation} for h in hits]
        return ToolOutcome(passages(args.query, hits),
                           {"query": args.query, "results": results, "answer": extractive_answer(args.query, hits)})

    async def handle(args: SearchKnowledgeArgs, _ctx: ToolContext) -> ToolOutcome:
        return await asyncio.to_thread(search, args)  # embedding the query is CPU work: off the event loop

    return handle


@tool_handler
def explain_event(explainer: Explainer, trader: Callable[[str], Awaitable[Pubkey]] | None) -> Handler:
    """``trader``: the caller's paper wallet (for keeper actions); None where the venue keeps no such history."""

    async def handle(args: ExplainEventArgs, ctx: ToolContext) -> ToolOutcome:
        owner = None if trader is None else str(await trader(ctx.user_id))
        explanation = await asyncio.to_thread(explainer.explain, ctx.user_id, owner, order_id=args.order_id,
                                              ticket=args.ticket, which=args.which)
        return ToolOutcome(explanation.text, {"explanation": explanation.data,
                                              "citations": list(explanation.citations),
                                              "history": list(explanation.history)})

    return handle


def knowledge_handlers(retriever: Retriever, explainer: Explainer,
                       trader: Callable[[str], Awaitable[Pubkey]] | None = None) -> dict[str, Handler]:
    return by_tool(search_knowledge(retriever), explain_event(explainer, trader))
