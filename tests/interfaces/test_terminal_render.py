"""The terminal renders MIKEY's answers as markdown, and an answer that only reads
out positions shows them as a table, formatted like the web page's."""

from __future__ import annotations

from rich.console import Console

from agent import ChatEvent
from interfaces.terminal import render

POSITION = {"market": "SOL-PERP", "side": "long", "size": "2", "entry_price": "150.045000", "mark_price": "151.000000",
            "unrealized_pnl": "1.910000", "margin": "60.018000", "liquidation_price": "121.190000"}


def _screen(event: ChatEvent, results: list | None = None) -> str:
    console = Console(width=160, record=True)
    render(event, console, results)
    return console.export_text()


def test_an_answer_reading_out_positions_is_a_table() -> None:
    result = {"name": "get_positions", "status": "success", "text": "SOL-PERP long 2 @ 150.045000 (mark 151.0)",
              "data": {"positions": [POSITION]}}
    screen = _screen(ChatEvent("text", {"role": "assistant", "text": result["text"]}), [result])
    assert "ROE" in screen and "+$1.91 (+3.2%)" in screen and "$121.190 (19.7%)" in screen
    assert "150.045000" not in screen  # the table's formatted numbers, not the raw line


def test_markdown_is_rendered_not_shown_raw() -> None:
    screen = _screen(ChatEvent("text", {"role": "assistant", "text": "## Trading\n- `long 2 SOL 5x` — market"}))
    assert "Trading" in screen and "##" not in screen and "`" not in screen and "mikey ›" in screen


def test_a_tool_call_is_one_line_with_its_label_never_its_internal_name() -> None:
    call = ChatEvent("tool_call", {"id": "c1", "name": "get_price", "args": {"market": "SOL-PERP"}})
    done = ChatEvent("tool_result", {"id": "c1", "name": "get_price", "status": "success", "text": "SOL-PERP: $150",
                                     "data": {}})
    failed = ChatEvent("tool_result", {"id": "c2", "name": "prepare_order", "status": "error",
                                       "text": "error: margin 120 exceeds free collateral 100\nmore", "data": {}})
    screen = _screen(call) + _screen(done) + _screen(failed)
    assert screen.splitlines() == ["· Price: done", "· Order ticket: margin 120 exceeds free collateral 100"], screen
    assert "get_price" not in screen and "prepare_order" not in screen
