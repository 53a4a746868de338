"""References to what the conversation showed or did: listed alerts and orders, filled orders,
positions opened here, answers to MIKEY's own questions, candles and history periods.
A reference with nothing (or more than one thing) to refer to is asked about, never guessed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from agent.parser import (
    EXECUTED,
    LISTED,
    Ambiguous,
    ToolCalls,
    ToolUse,
    answer_to_question,
    context_from,
    listed_items,
    parse_command,
    resolve_followup,
)

ORDER = ToolUse("prepare_order", {"market": "SOL-PERP", "side": "long", "size": "2", "leverage": "5"})


def call(result: object) -> tuple[str, dict[str, object]]:
    assert isinstance(result, ToolCalls), result
    return result.calls[0].name, result.calls[0].args.model_dump(exclude_defaults=True)


def listed(kind: str, *items: tuple[str, str | None]) -> ToolUse:
    return ToolUse(LISTED, {"kind": kind, "items": items})


def test_the_btc_one_is_the_listed_btc_alert() -> None:
    ctx = context_from([ToolUse("list_alerts", {}), listed("alert", ("1", "ETH-PERP"), ("2", "BTC-PERP"))], [], False)
    assert call(resolve_followup("cancel the btc one", ctx)) == ("cancel_alert", {"alert_id": "2"})


def test_the_sol_one_is_the_listed_sol_order() -> None:
    ctx = context_from([ToolUse("get_orders", {}), listed("order", ("0", "ETH-PERP"), ("1", "SOL-PERP"))], [], False)
    assert call(resolve_followup("cancel the sol one", ctx)) == ("prepare_cancel", {"order_id": "1"})


def test_that_one_among_several_listed_is_asked() -> None:
    ctx = context_from([listed("order", ("0", "ETH-PERP"), ("1", "SOL-PERP"))], [], False)
    result = resolve_followup("delete that one", ctx)
    assert isinstance(result, Ambiguous) and "#0" in result.question and "#1" in result.question


def test_the_alert_just_set_is_that_alert() -> None:
    ctx = context_from([ToolUse("set_alert", {}), *filter(None, [listed_items("set_alert", {"alert_id": 7})])], [],
                       False)
    assert call(resolve_followup("cancel that alert", ctx)) == ("cancel_alert", {"alert_id": "7"})


def test_a_reference_with_nothing_shown_is_asked() -> None:
    assert isinstance(resolve_followup("cancel that one", context_from([], [], False)), Ambiguous)
    assert isinstance(resolve_followup("close it", context_from([], [], False)), Ambiguous)


def test_list_results_are_read_for_ids_and_markets() -> None:
    use = listed_items("list_alerts", {"alerts": ["#3: SOL-PERP crosses above 200", "#4: order 9 filled"]})
    assert use is not None and use.args["items"] == (("3", "SOL-PERP"), ("4", None))
    use = listed_items("get_orders", {"orders": [{"order_id": 5, "market": "BTC-PERP"}]})
    assert use is not None and use.args["items"] == (("5", "BTC-PERP"),)


def test_close_it_with_two_positions_opened_here_is_asked() -> None:
    ctx = context_from([ORDER, ToolUse(EXECUTED, {"tool": "prepare_order", "market": "SOL-PERP"}),
                        ToolUse("prepare_order", {"market": "ETH-PERP", "side": "long", "size": "1"}),
                        ToolUse(EXECUTED, {"tool": "prepare_order", "market": "ETH-PERP"})], [], False)
    result = resolve_followup("close it", ctx)
    assert isinstance(result, Ambiguous) and "SOL or ETH" in result.question


def test_close_the_rest_after_a_partial_close_closes_the_position() -> None:
    ctx = context_from([ORDER, ToolUse(EXECUTED, {"tool": "prepare_order", "market": "SOL-PERP"}),
                        ToolUse("prepare_close", {"market": "SOL-PERP", "fraction": "0.5"}),
                        ToolUse(EXECUTED, {"tool": "prepare_close", "market": "SOL-PERP", "fraction": "0.5"})],
                       [], False)
    assert call(resolve_followup("close the rest", ctx)) == ("prepare_close", {"market": "SOL-PERP"})
    assert call(resolve_followup("close half", ctx)) == ("prepare_close", {"market": "SOL-PERP",
                                                                           "fraction": Decimal("0.5")})


def test_double_it_after_the_fill_is_the_same_order_again() -> None:
    filled = context_from([ORDER, ToolUse(EXECUTED, {"tool": "prepare_order", "market": "SOL-PERP"})], [], False)
    waiting = context_from([ORDER], [], True)
    assert call(resolve_followup("double it", filled))[1]["size"] == Decimal("2")
    assert call(resolve_followup("double it", waiting))[1]["size"] == Decimal("4")


@pytest.mark.parametrize(("last", "text", "expected"), [
    (ToolUse("get_candles", {"market": "ETH-PERP", "interval": "5m"}), "now 1h",
     ("get_candles", {"market": "ETH-PERP", "interval": "1h"})),
    (ToolUse("get_candles", {"market": "ETH-PERP", "interval": "1h"}), "and the 4h",
     ("get_candles", {"market": "ETH-PERP", "interval": "4h"})),
    (ToolUse("get_history", {"period": "1d"}), "and this month", ("get_history", {"period": "30d"})),
    (ToolUse("get_quote", {"market": "BTC-PERP", "side": "long", "size": "0.1", "leverage": "4"}), "and at 2x",
     ("get_quote", {"market": "BTC-PERP", "side": "long", "size": Decimal("0.1"), "leverage": Decimal("2")})),
    (ORDER, "what would that cost at 10x",
     ("get_quote", {"market": "SOL-PERP", "side": "long", "size": Decimal("2"), "leverage": Decimal("10")})),
    (ToolUse("prepare_order", {"market": "SOL-PERP", "side": "long", "notional_usd": "500"}),
     "now the same dollar amount of eth", ("prepare_order", {"market": "ETH-PERP", "side": "long",
                                                             "notional_usd": Decimal("500")})),
    (ORDER, "fine, $1.5k", ("prepare_order", {"market": "SOL-PERP", "side": "long", "notional_usd": Decimal("1500"),
                                              "leverage": Decimal("5")})),
    (ORDER, "and 1 eth too", ("prepare_order", {"market": "ETH-PERP", "side": "long", "size": Decimal("1"),
                                                "leverage": Decimal("5")})),
    (ToolUse("get_price", {"market": "SOL-PERP"}), "long 3 of it 2x",
     ("prepare_order", {"market": "SOL-PERP", "side": "long", "size": Decimal("3"), "leverage": Decimal("2")})),
    (ToolUse("prepare_withdraw", {"amount_usd": "500"}), "make it 300",
     ("prepare_withdraw", {"amount_usd": Decimal("300")})),
])
def test_an_edit_of_the_last_request(last: ToolUse, text: str, expected: tuple[str, dict[str, object]]) -> None:
    assert call(resolve_followup(text, context_from([last], [], False))) == expected


@pytest.mark.parametrize(("asked", "answer", "expected"), [
    ("long 2", "sol", {"market": "SOL-PERP", "side": "long", "size": Decimal("2")}),
    ("$500 of sol", "long", {"market": "SOL-PERP", "side": "long", "notional_usd": Decimal("500")}),
    ("buy some eth", "0.5", {"market": "ETH-PERP", "side": "long", "size": Decimal("0.5")}),
    ("long ,5 sol", "0.5", {"market": "SOL-PERP", "side": "long", "size": Decimal("0.5")}),
    ("long 1 doge", "sol then", {"market": "SOL-PERP", "side": "long", "size": Decimal("1")}),
])
def test_an_answer_completes_the_request_asked_about(asked: str, answer: str, expected: dict[str, object]) -> None:
    merged = answer_to_question(asked, answer)
    assert merged is not None and call(parse_command(merged)) == ("prepare_order", expected)


def test_an_answer_never_supplies_the_side_itself() -> None:
    merged = answer_to_question("$500 of sol", "500")
    assert not isinstance(parse_command(merged or ""), ToolCalls)
