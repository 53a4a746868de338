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


# --- edits said as part of an order (agent.parser._partial_edit) -------------------------------

@pytest.mark.parametrize(("text", "changed"), [
    ("make that 3 sol", {"size": Decimal("3")}),
    ("change leverage to 2x", {"leverage": Decimal("2")}),
    ("no wait, 4x", {"leverage": Decimal("4")}),
    ("4x", {"leverage": Decimal("4")}),
    ("oops i meant 2.5 sol", {"size": Decimal("2.5")}),
    ("same for btc but 0.01", {"market": "BTC-PERP", "size": Decimal("0.01")}),
    ("do the same on eth", {"market": "ETH-PERP"}),
    ("eth instead", {"market": "ETH-PERP"}),
    ("actually go short", {"side": "short"}),
    ("make it a limit at 140", {"order_type": "limit", "price": Decimal("140")}),
    ("make it $500", {"size": None, "notional_usd": Decimal("500")}),
    ("reduce only please", {"reduce_only": True}),
    ("triple it", {"size": Decimal("6")}),
])
def test_an_edit_said_as_part_of_an_order_changes_only_those_parts(text: str, changed: dict) -> None:
    ctx = context_from([ORDER], [], ticket_set_aside=True)
    name, got = args(resolve_followup(text, ctx))
    expected = {"market": "SOL-PERP", "side": "long", "size": Decimal("2"), "leverage": Decimal("5"), **changed}
    assert name == "prepare_order" and got == {k: v for k, v in expected.items() if v is not None}


@pytest.mark.parametrize("text", ["short eth", "eth 3x", "long 1 eth", "sol", "the quick brown fox"])
def test_a_new_market_or_side_without_an_edit_word_is_a_new_request_not_an_edit(text: str) -> None:
    # "short eth" is a new order missing its size: its size is asked, never taken from the last order.
    assert resolve_followup(text, context_from([ORDER], [], ticket_set_aside=True)) is None


@pytest.mark.parametrize("text", ["4x", "3 sol", "eth"])
def test_after_the_order_ran_an_edit_needs_an_edit_word(text: str) -> None:
    ran = ToolUse("_executed", {"tool": "prepare_order", "market": "SOL-PERP"})
    assert resolve_followup(text, context_from([ORDER, ran], [], ticket_set_aside=False)) is None


@pytest.mark.parametrize(("text", "question"), [
    ("hmm make it 1.5", "size, the price or the leverage"), ("make it 3 btc and eth", "Which one"),
    ("make it a limit", "what price"),
])
def test_an_edit_that_could_mean_several_things_is_asked(text: str, question: str) -> None:
    found = resolve_followup(text, context_from([ORDER], [], ticket_set_aside=True))
    assert isinstance(found, Ambiguous) and question in found.question


def test_after_a_fill_scaling_is_relative_to_the_position_it_opened() -> None:
    ran = ToolUse("_executed", {"tool": "prepare_order", "market": "SOL-PERP"})
    ctx = context_from([ORDER, ran], [], ticket_set_aside=False)
    assert args(resolve_followup("triple it", ctx))[1]["size"] == Decimal("4")  # 2 more lots of 2
    halved = ("prepare_close", {"market": "SOL-PERP", "fraction": Decimal("0.5")})
    assert args(resolve_followup("half it", ctx)) == halved


def test_it_is_the_market_talked_about_in_a_trigger_and_place_it_places_a_quote() -> None:
    ran = ToolUse("_executed", {"tool": "prepare_order", "market": "SOL-PERP"})
    name, got = args(resolve_followup("take profit at 200 on it", context_from([ORDER, ran], [], False)))
    assert (name, got["market"], got["order_type"], got["price"]) == ("prepare_order", "SOL-PERP", "take_profit",
                                                                      Decimal("200"))
    for text in ("place it", "go for it"):
        name, got = args(resolve_followup(text, Context(last_order=QUOTE)))
        assert name == "prepare_order" and got["size"] == Decimal("0.01") and got["market"] == "BTC-PERP"
