"""search_knowledge: answers from the knowledge base once it is installed; until
then it says so plainly and returns no passages (never invented ones)."""

from __future__ import annotations

from tools._toolbox import Handler, ToolContext, ToolOutcome
from tools.schemas import SearchKnowledgeArgs


def search_knowledge_unavailable() -> Handler:
    def handle(args: SearchKnowledgeArgs, _ctx: ToolContext) -> ToolOutcome:
        return ToolOutcome(f"No knowledge base is installed yet, so nothing was found for {args.query!r}.",
                           {"query": args.query, "results": []})

    return handle
