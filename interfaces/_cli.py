"""The CLI entry point for interface commands, kept import-light: `quantdesk`
loads it for every command, so the agent stack is imported only when `chat` runs."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Entry point (group ``quantdesk.commands``): adds ``chat`` to the CLI."""
    # Imported here: quantdesk.cli loads this module while it is itself being imported.
    from quantdesk.cli import user_option

    @app.command("chat")
    def chat(
        ctx: typer.Context,
        user: str = user_option(),
        thread: str = typer.Option(None, "--thread", help="Conversation id (default: <user>-terminal)."),
        as_json: bool = typer.Option(False, "--json", help="Read messages from stdin, write events as JSON lines."),
    ) -> None:
        """Chat with MIKEY in the terminal."""
        from interfaces.terminal import chat_command

        chat_command(ctx, user, thread, as_json)
