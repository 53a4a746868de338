"""Follow-up references resolved against a dialogue context (pure: no thread)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from agent.parser import Ambiguous, Context, Reply, ToolCalls, ToolUse, context_from, resolve_followup

ORDER = ToolUse("prepare_order", {"market": "SOL-PERP", "side": "long", "size": "2", "leverage": "5"})
LIMIT = ToolUse("prepare_order", {"market": "ETH-PERP", "side": "long", "order_type": "limit", "size": "1",
                                  "price": "3000"})
QUOTE = ToolUse("get_quote", {"market": "BTC-PERP", "side": "short", "size": "0.01", "leverage": "3"})


def args(result: object) -> tuple[str, dict]:
    assert isinstance(result, ToolCalls), result
    call = result.calls[0]
    return call.name, call.args.model_dump(exclude_defaults=True)


@pytest.mark.parametrize(("text", "changed"), [
    ("double it", {"size": Decimal("4")}),
    ("half that size", {"size": Decimal("1")}),
    ("make it 3x", {"leverage": Decimal("3")}),
    ("10x instead", {"leverage": Decimal("10")}),
    ("make it reduce only", {"reduce_only": True}),
    ("flip it", {"side": "short"}),
    ("actually short", {"side": "short"}),
    ("same but on eth", {"market": "ETH-PERP"}),
    ("btc too", {"market": "BTC-PERP"}),
    ("add another 0.5", {"size": Decimal("0.5")}),
])
def test_an_edit_changes_exactly_what_it_names(text: str, changed: dict) -> None:
    ctx = context_from([ORDER], [], ticket_set_aside=True)
    name, got = args(resolve_followup(text, ctx))
    expected = {"market": "SOL-PERP", "side": "long", "size": Decimal("2"), "leverage": Decimal("5"), **changed}
    assert name == "prepare_order" and got == expected


def test_a_new_number_is_the_price_of_a_limit_and_a_question_otherwise() -> None:
    assert args(resolve_followup("actually make it 2950", Context(last_order=LIMIT)))[1]["price"] == Decimal("2950")
    assert isinstance(resolve_followup("actually make it 2950", Context(last_order=ORDER)), Ambiguous)


def test_do_that_places_the_quoted_order_and_needs_a_quote() -> None:
    name, got = args(resolve_followup("do that", Context(last_order=QUOTE)))
    assert name == "prepare_order" and got["market"] == "BTC-PERP" and got["size"] == Decimal("0.01")
    assert isinstance(resolve_followup("do that", Context(last_order=ORDER)), Ambiguous)


def test_close_and_cancel_resolve_to_the_conversations_own_market_and_order() -> None:
    ctx = context_from([ORDER], [{"data": {"events": [{"type": "OrderPlaced", "resting": True, "order_id": 7}]}}],
                       ticket_set_aside=False)
    assert args(resolve_followup("close it", ctx)) == ("prepare_close", {"market": "SOL-PERP"})
    assert args(resolve_followup("cancel that one", ctx)) == ("prepare_cancel", {"order_id": "7"})
    assert args(resolve_followup("cancel the btc one", ctx)) == ("prepare_cancel", {"market": "BTC-PERP"})


@pytest.mark.parametrize("text", ["double it", "make it 3x", "close it", "same on eth", "do that", "cancel it"])
def test_a_reference_to_nothing_is_asked_never_guessed(text: str) -> None:
    assert isinstance(resolve_followup(text, Context()), Ambiguous)


def test_cancel_with_a_waiting_ticket_only_sets_it_aside() -> None:
    result = resolve_followup("cancel that", Context(last_order=ORDER, ticket_set_aside=True))
    assert isinstance(result, Reply) and "nothing was sent" in result.text


def test_text_that_is_no_follow_up_is_left_to_the_parser() -> None:
    for text in ("long 2 sol 5x", "price of sol", "sol", "what is funding"):
        assert resolve_followup(text, context_from([ORDER], [], False)) is None


@pytest.mark.parametrize("text", ["🚀", "👍", "✅", "🟢"])
def test_emoji_alone_are_no_edit_of_a_waiting_ticket(text: str) -> None:
    assert resolve_followup(text, context_from([ORDER], [], ticket_set_aside=True)) is None


def test_the_side_it_already_has_is_no_new_ticket() -> None:
    assert isinstance(resolve_followup("long", context_from([ORDER], [], ticket_set_aside=True)), Ambiguous)
