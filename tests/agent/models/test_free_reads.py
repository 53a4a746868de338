"""Free-form reads through the rules model (the shipped MiniLM, the labelled examples): questions about
how things stand now find their read-only tool, questions about what was or could be done are not
taken for actions, a bare noun question gets both the trader's figure and the docs, and how-it-works
questions stay with the docs. No phrasing here is among the intent examples."""

from __future__ import annotations

import pytest
from langchain_core.messages import HumanMessage

from agent.intents import IntentClassifier, load_examples
from agent.models import RulesChatModel
from knowledge import OnnxEmbedder
from quantdesk.config import Settings
from tools.schemas import TRADING_TOOLS


@pytest.fixture(scope="module")
def model() -> RulesChatModel:
    return RulesChatModel(intents=IntentClassifier(OnnxEmbedder(Settings(_env_file=None).embed_model)))


def _calls(model: RulesChatModel, text: str) -> list[tuple[str, dict]]:
    return [(c["name"], c["args"]) for c in model.respond([HumanMessage(text)]).tool_calls]


@pytest.mark.parametrize(("text", "expected"), [
    ("what orders did i cancel today", [("get_orders", {"status": "cancelled"})]),  # "cancel" is what was done
    ("how much can i withdraw", [("get_account", {})]),  # what could be done, not a withdrawal
    ("am i close to liquidation", [("get_positions", {})]),  # "close" the adjective
    ("is pyth lagging?", [("ingest_status", {})]),  # the feed's state now, not what Pyth is
    ("are longs paying shorts on eth", [("get_funding", {"market": "ETH-PERP"})]),
])
def test_a_question_about_how_things_stand_finds_its_read(model: RulesChatModel, text: str,
                                                          expected: list[tuple[str, dict]]) -> None:
    assert text not in {t for t, _ in load_examples()}
    assert _calls(model, text) == expected


def test_a_bare_noun_question_gets_the_figure_and_the_concept(model: RulesChatModel) -> None:
    assert [name for name, _ in _calls(model, "margin ratio?")] == ["get_account", "search_knowledge"]


@pytest.mark.parametrize("text", ["what is margin ratio?", "is pyth a push oracle?", "how is funding computed on sol?",
                                  "what tick size does eth trade in"])
def test_how_things_work_stays_with_the_docs(model: RulesChatModel, text: str) -> None:
    assert [name for name, _ in _calls(model, text)] == ["search_knowledge"]


def test_a_sure_read_with_no_market_asks_for_it(model: RulesChatModel) -> None:
    reply = model.respond([HumanMessage("how much am i paying in funding")])
    assert not reply.tool_calls and "Which market" in str(reply.content)


def test_an_address_in_a_question_is_never_read_around(model: RulesChatModel) -> None:
    # A destination makes it a withdrawal in disguise: no read answers it and no ticket is prepared.
    text = "how much can i withdraw to 9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin"
    names = [name for name, _ in _calls(model, text)]
    assert not set(names) & (TRADING_TOOLS | {"get_account"}), names
