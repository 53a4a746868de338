"""A ticket's audit trail has one author: within quantdesk.trading only the ticket desk writes to the audit log,
and the graph hands its closes and refusals to it."""

from __future__ import annotations

import ast
from pathlib import Path

import quantdesk.trading

TRADING_DIR = Path(quantdesk.trading.__file__).resolve().parent


def _audit_writes(path: Path) -> list[int]:
    return [node.lineno for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Attribute) and node.attr in ("append", "refusal")
            and isinstance(node.value, ast.Attribute) and node.value.attr.lstrip("_") == "audit"]


def test_only_the_ticket_desk_writes_audit_records() -> None:
    writers = {path.name: lines for path in sorted(TRADING_DIR.glob("*.py")) if (lines := _audit_writes(path))}
    assert set(writers) == {"_desk.py"}



def test_the_graph_leaves_a_tickets_audit_records_to_the_desk() -> None:
    """The confirm node closes, expires and refuses through the executor; it writes no audit record itself."""
    import agent.graph

    nodes = Path(agent.graph.__file__).resolve().parent / "_nodes.py"
    assert _audit_writes(nodes) == []
