"""`quantdesk knowledge index` / `quantdesk knowledge search`, and the start-up
task `quantdesk run` runs (both reach the CLI through entry points, so quantdesk/
never imports knowledge/). Kept import-light: the CLI loads this for every command.
"""

from __future__ import annotations

from typing import Any

import typer


def _index(settings: Any, db: Any, console: Any) -> Any:
    """Hash check first; the model loads and a progress bar shows only when something must be embedded."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from knowledge import index_corpus, open_knowledge, plan

    kb = open_knowledge(settings, db)
    the_plan = plan(kb.store, kb.corpus, kb.embedder.name)
    if the_plan.up_to_date:
        return index_corpus(kb.store, kb.embedder, the_plan)  # nothing to embed: no model, no bar
    columns = (TextColumn("[bold]knowledge[/] embedding chunks"), BarColumn(), MofNCompleteColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("embed", total=None)
        report = index_corpus(kb.store, kb.embedder, the_plan,
                              progress=lambda done, total: bar.update(task, completed=done, total=total))
    return report


def startup(settings: Any, db: Any, console: Any) -> None:
    """Entry point (group ``quantdesk.startup``): index the corpus if any file changed."""
    report = _index(settings, db, console)
    console.print(f"[bold]knowledge[/]: {report.describe()}")


def register(app: typer.Typer) -> None:
    """Entry point (group ``quantdesk.commands``): adds ``quantdesk knowledge``."""
    knowledge_app = typer.Typer(help="The knowledge base: index the docs, search them.", no_args_is_help=True)

    @knowledge_app.command("index")
    def index(ctx: typer.Context) -> None:
        """Index the corpus incrementally: only new or changed files are embedded; removed files are dropped."""
        from quantdesk.cli import state
        from quantdesk.db import migrate, open_database

        st = state(ctx)
        with open_database(st.settings) as db:
            migrate(db)
            st.console.print(_index(st.settings, db, st.console).describe())

    @knowledge_app.command("search")
    def search(
        ctx: typer.Context,
        query: str = typer.Argument(..., help="A question or keywords."),
        k: int = typer.Option(4, "--k", min=1, max=20, help="How many chunks."),
        topic: str = typer.Option(None, "--topic", help="Only this topic (e.g. margin, funding)."),
    ) -> None:
        """Hybrid search of the indexed corpus: the top chunks with their citations and scores."""
        from knowledge import TOPICS, KnowledgeError, open_knowledge, passages
        from quantdesk.cli import state
        from quantdesk.db import migrate, open_database

        st = state(ctx)
        if topic is not None and topic not in TOPICS:
            raise KnowledgeError(f"unknown topic {topic!r}; topics are {', '.join(sorted(TOPICS))}")
        with open_database(st.settings) as db:
            migrate(db)
            kb = open_knowledge(st.settings, db)
            if kb.retriever.is_empty():
                raise KnowledgeError("the knowledge base is not indexed yet; run `quantdesk knowledge index`")
            st.console.print(passages(query, kb.retriever.search(query, k=k, topic=topic)), markup=False,
                             highlight=False)

    app.add_typer(knowledge_app, name="knowledge")
